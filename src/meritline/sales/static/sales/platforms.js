/* The platform comparison chart: monthly sales (yuan) or growth per platform.
   Data comes from the json_script named by the chart's data-source (no inline JS: CSP). */
(function () {
  "use strict";
  var element = document.getElementById("platform-chart");
  if (!element || !window.echarts) { return; }
  var source = document.getElementById(element.getAttribute("data-source"));
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(element, null, { renderer: "svg" });
  var narrow = function () { return element.clientWidth < 576; };

  function percent(value) {
    return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + " %";
  }

  function yuan(value) {
    return "¥" + Number(value).toLocaleString(undefined, { maximumFractionDigits: 0 });
  }

  function option(metric) {
    var growth = metric === "growth";
    return {
      color: ["#206bc4", "#4299e1", "#ae3ec9", "#d6336c", "#f76707", "#f59f00",
        "#74b816", "#2fb344", "#0ca678", "#17a2b8", "#6574cd", "#868e96"],
      grid: { left: 8, right: 16, top: narrow() ? 72 : 48, bottom: 8, containLabel: true },
      legend: { type: "scroll", top: 0, textStyle: { color: "#667382" } },
      tooltip: {
        trigger: "axis",
        valueFormatter: growth ? percent : yuan,
        confine: true
      },
      xAxis: { type: "category", data: data.months, axisTick: { show: false },
        axisLabel: { color: "#667382" } },
      yAxis: { type: "value", splitLine: { lineStyle: { color: "#eef1f5" } },
        axisLabel: { color: "#667382", formatter: growth
          ? function (v) { return Math.round(v * 100) + " %"; }
          : function (v) { return v >= 10000 ? Math.round(v / 10000) + "万" : v; } } },
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", smooth: true, showSymbol: false,
          connectNulls: false, data: growth ? s.growth : s.sales };
      })
    };
  }

  var current = "sales";
  chart.setOption(option(current));
  document.querySelectorAll("[data-platform-metric]").forEach(function (button) {
    button.addEventListener("click", function () {
      current = button.getAttribute("data-platform-metric");
      document.querySelectorAll("[data-platform-metric]").forEach(function (other) {
        var on = other === button;
        other.classList.toggle("active", on);
        other.setAttribute("aria-pressed", on ? "true" : "false");
      });
      chart.setOption(option(current), true);
    });
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
