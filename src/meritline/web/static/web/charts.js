/* ECharts from data: <div class="ml-chart" data-chart="bar" data-source="json-script-id"></div>.
   The json_script holds {"labels": [...], "values": [...], "name": "..."}. */
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-source"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    var kind = element.getAttribute("data-chart");
    var horizontal = kind === "hbar";
    var category = { type: "category", data: data.labels, axisTick: { show: false },
      axisLabel: { color: "#667382", interval: 0, width: 110, overflow: "truncate" } };
    var value = { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef1f5" } },
      axisLabel: { color: "#667382" } };
    chart.setOption({
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: [{ name: data.name || "", type: "bar", data: data.values, barMaxWidth: 28,
        itemStyle: { color: "#206bc4", borderRadius: horizontal ? [0, 4, 4, 0] : [4, 4, 0, 0] },
        label: { show: true, position: horizontal ? "right" : "top", color: "#182433" } }]
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
