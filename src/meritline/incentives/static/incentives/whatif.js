/* The what-if distribution: how many payees fall in each band of difference (yuan).
   Data comes from the json_script named by the chart's data-source (no inline JS: CSP). */
(function () {
  "use strict";
  var element = document.getElementById("whatif-chart");
  if (!element || !window.echarts) { return; }
  var source = document.getElementById(element.getAttribute("data-source"));
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(element, null, { renderer: "svg" });
  chart.setOption({
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", confine: true },
    xAxis: { type: "category", data: data.labels, axisTick: { show: false },
      axisLabel: { color: "#667382", rotate: element.clientWidth < 576 ? 45 : 20 } },
    yAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef1f5" } },
      axisLabel: { color: "#667382" } },
    series: [{ name: data.series, type: "bar", data: data.counts, itemStyle: { color: "#206bc4" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
