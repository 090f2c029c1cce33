/* Meritline page behaviour, driven by data attributes (no inline scripts: CSP). */
(function () {
  "use strict";

  // <form data-confirm="Really?"> or <button data-confirm="…">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // <a data-confirm="…">: same for links.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-confirm]");
    if (link && !window.confirm(link.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // <select data-auto-submit> (or any input): submit its form when it changes.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-auto-submit") && field.form) {
      if (field.form.requestSubmit) { field.form.requestSubmit(); } else { field.form.submit(); }
    }
  });

  // <button data-print>: print the page.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });

  // <a data-dismiss-alert> inside .alert: Tabler handles data-bs-dismiss; this is a fallback.
  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest(".alert .btn-close");
    if (close && !window.bootstrap) {
      event.preventDefault();
      close.closest(".alert").remove();
    }
  });
})();
