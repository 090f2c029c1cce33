/* A run's calculation in the background: the progress bar polls the progress URL and
   reloads the page when the calculation ends. No inline JS (CSP): data comes from
   data-* attributes. */
(function () {
  "use strict";

  var bar = document.querySelector(".ml-run-job .ml-progress-bar");
  if (!bar) { return; }
  var container = bar.parentElement;
  var url = container.getAttribute("data-ml-progress-url");
  var phase = document.querySelector(".ml-run-job .ml-progress-phase");
  var label = document.querySelector(".ml-run-job .ml-progress-percent");

  function show(state) {
    var percent = Math.max(0, Math.min(100, Number(state.percent) || 0));
    bar.style.width = percent + "%";
    container.setAttribute("aria-valuenow", String(percent));
    label.textContent = percent + " %";
    var text = phase.getAttribute("data-phase-" + state.phase);
    if (text) { phase.textContent = text; }
  }

  show({ percent: bar.getAttribute("data-width"), phase: phase.getAttribute("data-phase") });
  var poll = function () {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        show(state);
        if (state.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  };
  window.setTimeout(poll, 500);
}());
