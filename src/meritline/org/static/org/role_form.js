/* Role grant form: the region and department fields only matter for an HR business
   partner; hide them for the other roles (without JavaScript they stay visible and the
   server ignores them). */
(function () {
  "use strict";
  var source = document.getElementById("role-scoped");
  var role = document.querySelector("select[name=role]");
  if (!source || !role) { return; }
  var scoped = JSON.parse(source.textContent);

  function box(name) {
    var input = document.querySelector("[name=" + name + "]");
    return input ? input.closest(".ml-field") || input.parentElement : null;
  }

  function update() {
    ["region", "department"].forEach(function (name) {
      var wrapper = box(name);
      if (wrapper) { wrapper.hidden = role.value !== scoped; }
    });
  }

  role.addEventListener("change", update);
  update();
})();
