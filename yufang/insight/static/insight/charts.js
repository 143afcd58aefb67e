// Charts of the leaders' pages. Data comes from a json_script block; no inline script (CSP).
(function () {
  function chartOf(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    return echarts.getInstanceByDom(el) || echarts.init(el);
  }

  // An estimate per row with its interval drawn as a whisker; rows are categories on the y axis.
  function interval(id, names, rows, unit) {
    var chart = chartOf(id);
    if (!chart) return;
    var points = rows.map(function (r) { return r ? r[0] : null; });
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var r = rows[p.dataIndex];
          if (!r) return names[p.dataIndex];
          return names[p.dataIndex] + "<br>估计 " + r[0] + unit + (r[1] === null ? "" : "<br>95% 区间 " + r[1] + " ～ " + r[2] + unit);
        }
      },
      grid: {left: 8, right: 24, top: 16, bottom: 8, containLabel: true},
      // A value axis keeps zero in view; the custom series encodes both bounds on x, so the
      // axis spans every interval and no whisker is cut.
      xAxis: {type: "value"},
      yAxis: {type: "category", data: names, inverse: true},
      series: [
        {
          type: "custom",
          renderItem: function (params, api) {
            var r = rows[params.dataIndex];
            if (!r || r[1] === null) return null;
            var lo = api.coord([r[1], params.dataIndex]);
            var hi = api.coord([r[2], params.dataIndex]);
            var h = api.size([0, 1])[1] * 0.25;
            var style = {stroke: "#6c757d", lineWidth: 1.5};
            return {type: "group", children: [
              {type: "line", shape: {x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1]}, style: style},
              {type: "line", shape: {x1: lo[0], y1: lo[1] - h, x2: lo[0], y2: lo[1] + h}, style: style},
              {type: "line", shape: {x1: hi[0], y1: hi[1] - h, x2: hi[0], y2: hi[1] + h}, style: style}
            ]};
          },
          data: rows.map(function (r, i) {
            if (!r) return null;
            return [r[0], i, r[1] === null ? r[0] : r[1], r[2] === null ? r[0] : r[2]];
          }),
          encode: {x: [0, 2, 3], y: 1},
          z: 1
        },
        {
          type: "scatter",
          symbolSize: 11,
          data: points,
          label: {show: true, position: "top", formatter: function (p) { return p.value === null ? "" : p.value; }},
          markLine: {silent: true, symbol: "none", label: {show: false}, lineStyle: {color: "#adb5bd"}, data: [{xAxis: 0}]},
          z: 2
        }
      ]
    }, true);
  }

  function groups(data) {
    var chart = chartOf("chart-groups");
    if (!chart || !data.groups) return;
    chart.setOption({
      tooltip: {trigger: "axis"},
      legend: {data: ["受训企业", "对照企业"]},
      grid: {left: 8, right: 24, top: 32, bottom: 8, containLabel: true},
      xAxis: {type: "category", data: data.years},
      yAxis: {type: "value", name: "‰"},
      series: [
        {name: "受训企业", type: "line", data: data.groups.trained, label: {show: true}},
        {name: "对照企业", type: "line", data: data.groups.control, label: {show: true, position: "bottom"}, lineStyle: {type: "dashed"}}
      ]
    }, true);
  }

  function years(id, labels, series, kind) {
    var chart = chartOf(id);
    if (!chart) return;
    chart.setOption({
      tooltip: {trigger: "axis"},
      legend: {data: series.map(function (s) { return s.name; })},
      grid: {left: 8, right: 24, top: 40, bottom: 8, containLabel: true},
      xAxis: {type: "category", data: labels},
      yAxis: {type: "value"},
      series: series.map(function (s) {
        return {name: s.name, type: kind, data: s.data, connectNulls: false, label: {show: true, position: "top"}};
      })
    }, true);
  }

  function draw() {
    var node = document.getElementById("effect-data");
    if (node) {
      var data = JSON.parse(node.textContent);
      interval("chart-rate", data.industries, data.rate, "‰");
      interval("chart-loss", data.industries, data.loss, " 个百分点");
      groups(data);
    }
    var yearsNode = document.getElementById("years-data");
    if (yearsNode) {
      var y = JSON.parse(yearsNode.textContent);
      years("chart-years-money", y.years, y.money, "bar");
      years("chart-years-safety", y.years, y.safety, "line");
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
