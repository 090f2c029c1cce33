/* The progress of an objective: its score and each key result's after every check-in.
   Data comes from the json_script named by the chart's data-source (no inline JS: CSP). */
(function () {
  "use strict";
  var element = document.getElementById("okr-chart");
  if (!element || !window.echarts) { return; }
  var source = document.getElementById(element.getAttribute("data-source"));
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var series = [{
    name: data.objective.name, type: "line", step: "end", data: data.objective.points,
    lineStyle: { width: 3 }, itemStyle: { color: "#206bc4" }, symbolSize: 6,
    markLine: { silent: true, symbol: "none", lineStyle: { color: "#2fb344", type: "dashed" },
      data: [{ yAxis: data.good }], label: { formatter: "0.7" } }
  }];
  data.key_results.forEach(function (kr) {
    series.push({ name: kr.name, type: "line", step: "end", data: kr.points,
      lineStyle: { width: 1.5, type: "dotted" }, symbolSize: 4 });
  });
  var narrow = element.clientWidth < 576;
  var chart = window.echarts.init(element, null, { renderer: "svg" });
  chart.setOption({
    grid: { left: 8, right: 36, top: narrow ? 70 : 40, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", confine: true },
    legend: { type: "scroll", top: 0, textStyle: { color: "#667382" } },
    xAxis: { type: "time", axisLabel: { color: "#667382", hideOverlap: true } },
    yAxis: { type: "value", min: 0, max: 1, interval: 0.25, axisLabel: { color: "#667382" },
      splitLine: { lineStyle: { color: "#eef1f5" } } },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
