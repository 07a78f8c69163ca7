/* The simulation form: show only the settings of the chosen behaviour. */
(function () {
  "use strict";
  var form = document.getElementById("simulation-form");
  if (!form) return;
  var mix = form.querySelector("select[name=mix]");
  function show() {
    form.querySelectorAll("[data-mix]").forEach(function (box) {
      box.hidden = box.getAttribute("data-mix") !== mix.value;
    });
  }
  mix.addEventListener("change", show);
  show();
})();
