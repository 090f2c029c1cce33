/* Criterion form: show only the fields of the chosen kind (all fields stay in the page
   without JavaScript; the server reads only those of the kind). */
(function () {
  "use strict";
  var source = document.getElementById("criterion-kind-fields");
  var kind = document.querySelector("select[name=kind]");
  if (!source || !kind) { return; }
  var kindFields = JSON.parse(source.textContent);
  var all = {};
  Object.keys(kindFields).forEach(function (key) {
    kindFields[key].forEach(function (name) { all[name] = true; });
  });
  all.job_family = true;
  var extra = { tenure_years: ["job_family"] };

  function wrapper(name) {
    var input = document.querySelector("[name=" + name + "]");
    return input ? input.closest(".ml-field") || input.parentElement : null;
  }

  function update() {
    var shown = (kindFields[kind.value] || []).concat(extra[kind.value] || []);
    Object.keys(all).forEach(function (name) {
      var box = wrapper(name);
      if (box) { box.hidden = shown.indexOf(name) === -1; }
    });
  }

  kind.addEventListener("change", update);
  update();
})();
