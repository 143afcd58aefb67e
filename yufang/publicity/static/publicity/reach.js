// Draws the charts of a plan's publicity reach page from its json_script data.
(function () {
  function chart(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    return echarts.getInstanceByDom(el) || echarts.init(el);
  }
  function bars(id, rows, names, horizontal) {
    var c = chart(id);
    if (!c) return;
    var labels = rows.map(function (r) { return r[0]; });
    c.setOption({
      tooltip: {trigger: "axis"},
      legend: {data: names, top: 0},
      grid: {left: 8, right: 24, bottom: 8, top: 32, containLabel: true},
      xAxis: horizontal ? {type: "value"} : {type: "category", data: labels, axisLabel: {interval: 0, rotate: labels.length > 6 ? 30 : 0}},
      yAxis: horizontal ? {type: "category", data: labels, inverse: true} : {type: "value"},
      series: names.map(function (name, i) {
        return {name: name, type: "bar", data: rows.map(function (r) { return r[i + 1]; })};
      })
    }, true);
  }
  function draw() {
    var node = document.getElementById("reach-data");
    if (!node || !window.echarts) return;
    var data = JSON.parse(node.textContent);
    bars("chart-kinds", data.kinds, ["计划", "已验收"], true);
    bars("chart-districts", data.districts, ["推送送达", "推送打开", "资料确认签收", "活动参加"], false);
    bars("chart-industries", data.industries, ["推送送达", "推送打开", "资料确认签收"], true);
    var c = chart("chart-views");
    if (c) {
      c.setOption({
        tooltip: {trigger: "axis"},
        grid: {left: 8, right: 24, bottom: 8, top: 16, containLabel: true},
        xAxis: {type: "category", data: data.views.map(function (r) { return r[0]; })},
        yAxis: {type: "value"},
        series: [{name: "累计播放量", type: "line", step: "end", data: data.views.map(function (r) { return r[1]; })}]
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
