// The coverage page's charts, drawn from the figures the page prints.
(function () {
  "use strict";
  function draw() {
    var node = document.getElementById("coverage-data");
    if (!node || !window.echarts) return;
    var data = JSON.parse(node.textContent);
    var el = document.getElementById("chart-coverage");
    if (el) {
      (echarts.getInstanceByDom(el) || echarts.init(el)).setOption({
        tooltip: {trigger: "axis"},
        legend: {data: ["场次覆盖率", "项目覆盖率"]},
        grid: {left: 8, right: 16, bottom: 8, top: 40, containLabel: true},
        xAxis: {type: "category", data: data.districts, axisLabel: {interval: 0, rotate: 30}},
        yAxis: {type: "value", max: 100},
        series: [
          {name: "场次覆盖率", type: "bar", data: data.session_share, label: {show: true, position: "top"}},
          {name: "项目覆盖率", type: "bar", data: data.project_share, label: {show: true, position: "top"}}
        ]
      }, true);
    }
    el = document.getElementById("chart-kind");
    if (el) {
      (echarts.getInstanceByDom(el) || echarts.init(el)).setOption({
        tooltip: {trigger: "axis"},
        grid: {left: 8, right: 56, bottom: 8, top: 16, containLabel: true},
        xAxis: {type: "value", minInterval: 1},
        yAxis: {type: "category", inverse: true, data: data.kind.map(function (r) { return r[0]; })},
        series: [{type: "bar", data: data.kind.map(function (r) { return r[1]; }), label: {show: true, position: "right"}}]
      }, true);
    }
  }
  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () {
    document.querySelectorAll(".chart").forEach(function (el) {
      var c = window.echarts && echarts.getInstanceByDom(el);
      if (c) c.resize();
    });
  });
})();
