/* Platform comparison charts: the mean final score of each platform's latest cycle and
   the trend per platform. Data comes from the json_script "compare-data" (CSP: no inline JS). */
(function () {
  "use strict";
  var source = document.getElementById("compare-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var axis = { color: "#667382" };
  var charts = [];
  var mean = document.getElementById("compare-mean");
  if (mean) {
    var bars = window.echarts.init(mean, null, { renderer: "svg" });
    bars.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", confine: true },
      xAxis: { type: "value", axisLabel: axis, splitLine: { lineStyle: { color: "#eef1f5" } } },
      yAxis: { type: "category", data: data.platforms, axisLabel: axis, inverse: true },
      series: [{ name: data.mean_label, type: "bar", data: data.mean, itemStyle: { color: "#206bc4" },
        label: { show: true, position: "right", formatter: function (p) {
          return p.value == null ? "" : Number(p.value).toFixed(2);
        } } }]
    });
    charts.push(bars);
  }
  var trend = document.getElementById("compare-trend");
  if (trend) {
    var lines = window.echarts.init(trend, null, { renderer: "svg" });
    lines.setOption({
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", confine: true },
      legend: { type: "scroll", top: 0 },
      xAxis: { type: "category", data: data.periods, axisLabel: axis },
      yAxis: { type: "value", axisLabel: axis, splitLine: { lineStyle: { color: "#eef1f5" } } },
      series: data.trends.map(function (t) {
        return { name: t.name, type: "line", data: t.data, connectNulls: true, symbolSize: 6 };
      })
    });
    charts.push(lines);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
