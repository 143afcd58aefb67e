// Draws the charts of a plan's publicity reach page from its json_script data.
(function () {
  function chart(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    return echarts.getInstanceByDom(el) || echarts.init(el);
  }
  // Push messages run to hundreds of thousands, copies and attendance to hundreds: the series
  // from `split` on get an axis of their own so that their bars can be seen.
  function bars(id, rows, names, horizontal, split) {
    var c = chart(id);
    if (!c) return;
    var labels = rows.map(function (r) { return r[0]; });
    var narrow = c.getDom().clientWidth < 600;
    var values = [{type: "value", name: "条"}, {type: "value", name: "份/人", splitLine: {show: false}}];
    if (horizontal) {
      values.forEach(function (v) { v.nameLocation = "middle"; v.nameGap = 24; });
    }
    var category = horizontal ? {type: "category", data: labels, inverse: true}
      : {type: "category", data: labels, axisLabel: {interval: 0, rotate: narrow ? 60 : (labels.length > 6 ? 30 : 0)}};
    c.setOption({
      tooltip: {trigger: "axis"},
      legend: {data: names, top: 0},
      grid: {left: 8, right: 24, bottom: horizontal ? 28 : 8, top: horizontal ? 72 : (narrow ? 68 : 48), containLabel: true},
      xAxis: horizontal ? values : category,
      yAxis: horizontal ? category : values,
      series: names.map(function (name, i) {
        var s = {name: name, type: "bar", data: rows.map(function (r) { return r[i + 1]; })};
        s[horizontal ? "xAxisIndex" : "yAxisIndex"] = i >= split ? 1 : 0;
        return s;
      })
    }, true);
  }
  function draw() {
    var node = document.getElementById("reach-data");
    if (!node || !window.echarts) return;
    var data = JSON.parse(node.textContent);
    // Kinds count in different units (期, 部, 份): compared as the share of the plan delivered.
    var kinds = chart("chart-kinds");
    if (kinds) {
      kinds.setOption({
        tooltip: {trigger: "axis", formatter: function (items) {
          var r = data.kinds[items[0].dataIndex];
          return r[0] + "<br>计划 " + r[1] + "，已验收 " + r[2] + "（" + items[0].value + "%）";
        }},
        grid: {left: 8, right: 48, bottom: 8, top: 16, containLabel: true},
        xAxis: {type: "value", max: function (v) { return Math.max(100, v.max); }, axisLabel: {formatter: "{value}%"}},
        yAxis: {type: "category", data: data.kinds.map(function (r) { return r[0]; }), inverse: true},
        series: [{name: "完成率", type: "bar", label: {show: true, position: "right", formatter: "{c}%"},
          data: data.kinds.map(function (r) { return r[1] ? Math.round(r[2] * 100 / r[1]) : 0; })}]
      }, true);
    }
    bars("chart-districts", data.districts, ["推送送达", "推送打开", "资料确认签收", "活动参加"], false, 2);
    bars("chart-industries", data.industries, ["推送送达", "推送打开", "资料确认签收"], true, 2);
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
