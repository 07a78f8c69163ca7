/* A right's form: show only the reward fields of the chosen kind (and, for a red packet, those
 * of the chosen amount mode); the others stay in the page but are hidden. */
(function () {
  "use strict";
  var kind = document.querySelector("select[name='kind']");
  if (!kind) return;
  var form = kind.form;

  function groupOf(input) { return input.closest(".form-group") || input.parentElement; }

  function refresh() {
    var mode = form.querySelector("select[name='r_red_packet_mode']");
    form.querySelectorAll("[data-reward-field]").forEach(function (input) {
      var name = input.getAttribute("name");
      var own = name.indexOf("r_" + kind.value + "_") === 0;
      if (own && kind.value === "red_packet" && mode) {
        var fixed = mode.value === "fixed";
        if (/_amount$/.test(name)) own = fixed;
        if (/_(min|max)$/.test(name)) own = !fixed;
      }
      groupOf(input).style.display = own ? "" : "none";
    });
  }

  form.addEventListener("change", refresh);
  refresh();
})();
