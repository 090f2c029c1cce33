/* The org chart: the reporting tree from #org-chart-data drawn with ECharts' tree series.
   Drawn top-down when it fits the width; otherwise (phones, wide branches) left-to-right
   so that siblings stack down the page and the chart grows in height, never in width.
   Branches start folded below the second level; a tap folds or unfolds a branch and shows
   the person in a panel with a link to the profile. */
(function () {
  "use strict";
  var element = document.getElementById("org-chart");
  var source = document.getElementById("org-chart-data");
  if (!element || !source || !window.echarts) { return; }
  var roots = JSON.parse(source.textContent);
  if (!roots.length) { return; }

  var OPEN_DEPTH = 2;
  var BLUE = "#206bc4";
  var byId = {};

  function convert(node, depth) {
    var item = {
      id: String(node.id),
      name: node.name,
      position: node.position,
      department: node.department,
      employeeNo: node.employee_no,
      url: node.url,
      collapsed: depth >= OPEN_DEPTH,
      children: node.children.map(function (child) { return convert(child, depth + 1); })
    };
    byId[item.id] = item;
    return item;
  }

  var root;
  if (roots.length === 1) {
    root = convert(roots[0], 0);
  } else {
    root = {
      id: "root",
      name: element.getAttribute("data-root-label") || "",
      virtual: true,
      collapsed: false,
      children: roots.map(function (node) { return convert(node, 1); })
    };
    byId.root = root;
  }

  function visibleLeaves(node) {
    if (!node.children.length || node.collapsed) { return 1; }
    return node.children.reduce(function (sum, child) { return sum + visibleLeaves(child); }, 0);
  }

  function visibleDepth(node) {
    if (!node.children.length || node.collapsed) { return 1; }
    return 1 + Math.max.apply(null, node.children.map(visibleDepth));
  }

  function setAll(node, collapsed, depth) {
    if (node.children.length) { node.collapsed = collapsed && depth > 0; }
    node.children.forEach(function (child) { setAll(child, collapsed, depth + 1); });
  }

  function styled(node) {
    var hasChildren = node.children.length > 0;
    var folded = hasChildren && node.collapsed;
    return {
      id: node.id,
      name: node.name,
      value: node.position || "",
      collapsed: node.collapsed,
      symbolSize: node.virtual ? 8 : (hasChildren ? 12 : 9),
      itemStyle: {
        color: folded ? BLUE : "#fff",
        borderColor: node.virtual ? "#9aa0ac" : BLUE,
        borderWidth: 2
      },
      children: node.children.map(styled)
    };
  }

  var chart = window.echarts.init(element, null, { renderer: "svg" });

  // Top-down when every visible leaf gets room for its label; otherwise left-to-right,
  // which stacks siblings down the page (always on phones).
  function leftToRight() {
    var width = element.clientWidth;
    return width < 720 || width / visibleLeaves(root) < 88;
  }

  function labelFormatter(params) {
    var node = byId[params.data.id];
    if (!node || node.virtual) { return "{name|" + params.name + "}"; }
    var count = node.children.length ? " {count|" + node.children.length + "}" : "";
    return "{name|" + node.name + "}" + count + "\n{muted|" + (node.position || "") + "}";
  }

  var rich = {
    name: { fontSize: 13, fontWeight: 600, color: "#182433", lineHeight: 18 },
    muted: { fontSize: 11, color: "#667382", lineHeight: 14 },
    count: { fontSize: 10, color: "#fff", backgroundColor: BLUE, borderRadius: 7,
      padding: [1, 4], lineHeight: 14 }
  };

  function render() {
    var sideways = leftToRight();
    var leaves = visibleLeaves(root);
    var depth = visibleDepth(root);
    var height;
    var series;
    if (sideways) {
      height = Math.max(320, leaves * 58 + 48);
      series = {
        orient: "LR",
        top: 32, bottom: 24, left: 40, right: 124,
        label: { position: "top", align: "center", verticalAlign: "bottom", distance: 6,
          formatter: labelFormatter, rich: rich, backgroundColor: "rgba(255,255,255,.85)",
          padding: [0, 2] },
        leaves: { label: { position: "right", align: "left", verticalAlign: "middle",
          distance: 6, formatter: labelFormatter, rich: rich } }
      };
    } else {
      height = Math.max(360, depth * 120 + 60);
      series = {
        orient: "TB",
        top: 48, bottom: 72, left: 48, right: 48,
        label: { position: "top", align: "center", verticalAlign: "bottom", distance: 6,
          formatter: labelFormatter, rich: rich },
        leaves: { label: { position: "bottom", align: "center", verticalAlign: "top",
          distance: 6, formatter: labelFormatter, rich: rich } }
      };
    }
    element.style.height = height + "px";
    chart.resize();
    chart.setOption({
      tooltip: {
        trigger: "item",
        confine: true,
        formatter: function (params) {
          var node = byId[params.data.id];
          if (!node || node.virtual) { return ""; }
          return [node.name, node.position, node.department, node.employeeNo]
            .filter(Boolean)
            .map(function (text) { return window.echarts.format.encodeHTML(text); })
            .join("<br>");
        }
      },
      series: [Object.assign({
        type: "tree",
        data: [styled(root)],
        expandAndCollapse: false,
        roam: false,
        symbol: "circle",
        animationDuration: 250,
        animationDurationUpdate: 300,
        lineStyle: { color: "#c8d3e1", width: 1.5, curveness: 0.5 },
        emphasis: { focus: "descendant" }
      }, series)]
    }, { replaceMerge: ["series"] });
  }

  var panel = document.getElementById("org-chart-selected");

  function show(node) {
    if (!panel || node.virtual) { return; }
    panel.querySelector("[data-field=initial]").textContent = node.name.slice(0, 1);
    panel.querySelector("[data-field=name]").textContent = node.name;
    panel.querySelector("[data-field=detail]").textContent =
      [node.position, node.department, node.employeeNo].filter(Boolean).join(" · ");
    panel.querySelector("[data-field=link]").setAttribute("href", node.url);
    panel.classList.remove("d-none");
    panel.classList.add("d-flex");
  }

  chart.on("click", function (params) {
    var node = params.data && byId[params.data.id];
    if (!node) { return; }
    show(node);
    if (node.children.length) {
      node.collapsed = !node.collapsed;
      render();
    }
  });

  var expand = document.getElementById("org-chart-expand");
  var collapse = document.getElementById("org-chart-collapse");
  if (expand && collapse) {
    expand.hidden = false;
    collapse.hidden = false;
    expand.addEventListener("click", function () { setAll(root, false, 0); render(); });
    collapse.addEventListener("click", function () { setAll(root, true, 0); render(); });
  }

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(render, 150);
  });

  render();
  element.setAttribute("data-ready", "true");
})();
