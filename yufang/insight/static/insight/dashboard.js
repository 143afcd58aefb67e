// The leaders' dashboard: one ECharts chart per figure, drawn from the json_script block (no
// inline script: CSP). A click on a bar, a funnel step or a point opens the records behind it.
(function () {
  var LAG = "#fd7e14";
  var PALETTE = ["#0d6efd", "#20c997", "#6f42c1", "#ffc107", "#dc3545", "#0dcaf0"];

  function open(figure, seriesIndex, dataIndex) {
    var row = figure.links[seriesIndex];
    var url = row ? row[dataIndex] : null;
    if (url) window.location.href = url;
  }

  function lagging(figure, seriesIndex, dataIndex) {
    var row = figure.warn[seriesIndex];
    return !!(row && row[dataIndex]);
  }

  function bars(figure, horizontal, stacked) {
    var category = {type: "category", data: figure.categories, axisLabel: {interval: 0, hideOverlap: true}};
    if (horizontal) category.axisLabel = {interval: 0, width: 120, overflow: "truncate"};
    // Narrow screens: fewer value ticks, so that "1,200" and "1,500" do not run together.
    var value = {type: "value", minInterval: 1, splitNumber: horizontal ? 3 : 5, axisLabel: {hideOverlap: true}};
    if (!horizontal) category.axisLabel.rotate = figure.categories.length > 6 ? 35 : 0;
    return {
      color: PALETTE,
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, confine: true},
      legend: {type: "scroll", top: 0, show: figure.series.length > 1},
      grid: {left: 8, right: 16, top: figure.series.length > 1 ? 32 : 12, bottom: 8, containLabel: true},
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign(category, {inverse: true}) : value,
      series: figure.series.map(function (s, si) {
        return {
          name: s.name,
          type: "bar",
          stack: stacked ? "all" : undefined,
          data: s.data.map(function (v, i) {
            if (!lagging(figure, si, i)) return v;
            // One series: the bar turns orange; several: the series keeps its colour, framed in orange.
            return {value: v, itemStyle: figure.series.length > 1 ? {borderColor: LAG, borderWidth: 3} : {color: LAG}};
          }),
          cursor: "pointer"
        };
      })
    };
  }

  function progress(figure) {
    // The completed share of each target, orange where it lags the pace; 100% marked.
    var done = figure.series[0].data, goal = figure.series[1].data, share = figure.series[2].data;
    return {
      tooltip: {
        trigger: "item",
        confine: true,
        formatter: function (p) {
          var i = p.dataIndex;
          return figure.categories[i] + "<br>" + figure.series[0].name + " " + done[i] + "<br>" +
            figure.series[1].name + " " + goal[i] + "<br>完成比例 " + (share[i] === null ? "—" : share[i] + "%") +
            (lagging(figure, 2, i) ? "<br>落后于时间进度" : "");
        }
      },
      grid: {left: 8, right: 48, top: 8, bottom: 8, containLabel: true},
      xAxis: {type: "value", max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); }, axisLabel: {formatter: "{value}%"}},
      yAxis: {type: "category", data: figure.categories, inverse: true, axisLabel: {width: 140, overflow: "truncate"}},
      series: [{
        type: "bar",
        data: share.map(function (v, i) {
          return {value: v === null ? 0 : v, itemStyle: {color: lagging(figure, 2, i) ? LAG : (v >= 100 ? "#198754" : "#0d6efd")}};
        }),
        label: {show: true, position: "right", formatter: "{c}%"},
        markLine: {silent: true, symbol: "none", label: {show: false}, lineStyle: {color: "#adb5bd"}, data: [{xAxis: 100}]},
        cursor: "pointer"
      }],
      _series: 2
    };
  }

  function funnel(figure) {
    return {
      color: PALETTE,
      tooltip: {trigger: "item", formatter: "{b}：{c} 人", confine: true},
      series: [{
        type: "funnel",
        sort: "none",
        left: "10%", right: "10%", top: 8, bottom: 8,
        label: {show: true, position: "inside", formatter: "{b} {c}"},
        data: figure.categories.map(function (c, i) { return {name: c, value: figure.series[0].data[i]}; }),
        cursor: "pointer"
      }]
    };
  }

  function draw() {
    var node = document.getElementById("dashboard-data");
    if (!node || !window.echarts) return;
    var sections = JSON.parse(node.textContent);
    sections.forEach(function (section) {
      section.figures.forEach(function (figure) {
        var el = document.getElementById("chart-" + figure.key);
        if (!el) return;
        var option;
        if (figure.chart === "progress") option = progress(figure);
        else if (figure.chart === "funnel") option = funnel(figure);
        else option = bars(figure, figure.chart === "hbar" || figure.chart === "hstack", figure.chart === "stack" || figure.chart === "hstack");
        var seriesOffset = option._series || 0;
        delete option._series;
        var chart = echarts.getInstanceByDom(el) || echarts.init(el);
        chart.setOption(option, true);
        chart.off("click");
        chart.on("click", function (p) { open(figure, seriesOffset + (p.seriesIndex || 0), p.dataIndex); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () {
    document.querySelectorAll(".dash-chart").forEach(function (el) {
      var c = window.echarts && echarts.getInstanceByDom(el);
      if (c) c.resize();
    });
  });
})();
