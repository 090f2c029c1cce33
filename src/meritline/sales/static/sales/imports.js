/* Sales imports: the job's progress bar (polls the progress URL, reloads the page when the
   job ends) and, on the mapping step, the first values of the chosen column.
   No inline JS (CSP): data comes from data-* attributes and json_script elements. */
(function () {
  "use strict";

  function setBar(bar, percent) {
    bar.style.width = percent + "%";
    bar.parentElement.setAttribute("aria-valuenow", String(percent));
  }

  var bar = document.querySelector(".ml-progress-bar");
  if (bar) {
    var container = bar.parentElement;
    var url = container.getAttribute("data-ml-progress-url");
    var phase = document.querySelector(".ml-progress-phase");
    var label = document.querySelector(".ml-progress-percent");
    setBar(bar, Number(bar.getAttribute("data-width")) || 0);
    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          setBar(bar, state.percent);
          label.textContent = state.percent + " %";
          var text = phase.getAttribute("data-phase-" + state.phase);
          if (text) { phase.textContent = text; }
          if (state.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 500);
  }

  var samples = document.getElementById("import-samples");
  var header = document.getElementById("import-header");
  if (samples && header) {
    var rows = JSON.parse(samples.textContent);
    var titles = JSON.parse(header.textContent);
    var show = function (select) {
      var cell = document.getElementById(select.getAttribute("data-ml-sample-target"));
      if (!cell) { return; }
      var index = titles.indexOf(select.value);
      cell.textContent = index < 0 ? "" : rows.map(function (row) { return row[index] || "—"; }).join(" · ");
    };
    document.querySelectorAll("select[data-ml-sample-target]").forEach(function (select) {
      show(select);
      select.addEventListener("change", function () { show(select); });
    });
  }
}());
