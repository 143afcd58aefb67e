// Draws the breakdown charts of the selected target; again after HTMX swaps in another target.
(function () {
  function draw() {
    var node = document.getElementById("breakdown-data");
    if (!node || !window.echarts) return;
    var data = JSON.parse(node.textContent);
    function bar(id, rows, horizontal) {
      var el = document.getElementById(id);
      if (!el) return;
      var chart = echarts.getInstanceByDom(el) || echarts.init(el);
      var names = rows.map(function (r) { return r[0]; });
      var values = rows.map(function (r) { return r[1]; });
      chart.setOption({
        tooltip: {trigger: "axis"},
        // containLabel covers axis labels, not the bars' value labels: room for those at the
        // end of the longest bar (right) or above the tallest (top).
        grid: {left: 8, right: horizontal ? 56 : 24, bottom: 8, top: horizontal ? 16 : 32, containLabel: true},
        xAxis: horizontal ? {type: "value"} : {type: "category", data: names, axisLabel: {interval: 0, rotate: 30}},
        yAxis: horizontal ? {type: "category", data: names, inverse: true} : {type: "value"},
        series: [{type: "bar", data: values, label: {show: true, position: horizontal ? "right" : "top"}}]
      }, true);
    }
    bar("chart-region", data.region, false);
    bar("chart-industry", data.industry, true);
    bar("chart-position", data.position, true);
    var el = document.getElementById("chart-month");
    if (el) {
      var chart = echarts.getInstanceByDom(el) || echarts.init(el);
      chart.setOption({
        tooltip: {trigger: "axis"},
        legend: {data: ["当月新增", "累计"]},
        grid: {left: 8, right: 16, bottom: 8, containLabel: true},
        xAxis: {type: "category", data: data.month.map(function (r) { return r[0]; })},
        yAxis: {type: "value"},
        series: [
          {name: "当月新增", type: "bar", data: data.month.map(function (r) { return r[1]; })},
          {name: "累计", type: "line", data: data.month.map(function (r) { return r[2]; })}
        ]
      }, true);
    }
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  window.addEventListener("resize", function () {
    document.querySelectorAll(".chart").forEach(function (el) {
      var c = window.echarts && echarts.getInstanceByDom(el);
      if (c) c.resize();
    });
  });
})();
