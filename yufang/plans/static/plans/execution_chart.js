// The plan page's fund execution chart: budget, committed and paid per budget item.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("execution-data");
  var target = document.getElementById("execution-chart");
  if (!source || !target || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(target);
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {data: ["预算", "已承诺", "已支付"]},
    // containLabel keeps the axis labels in, but the last value label sits centred on the right
    // edge: leave it room.
    grid: {left: 8, right: 32, bottom: 8, containLabel: true},
    xAxis: {type: "value", axisLabel: {formatter: function (v) { return (v / 10000) + "万"; }}},
    yAxis: {type: "category", data: data.names, axisLabel: {width: 140, overflow: "truncate"}},
    series: [
      {name: "预算", type: "bar", data: data.budget},
      {name: "已承诺", type: "bar", data: data.committed},
      {name: "已支付", type: "bar", data: data.paid}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
