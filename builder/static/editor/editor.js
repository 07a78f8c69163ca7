/* Campaign editor forms: show the fields of the chosen reward kind (and of a task's event),
 * each prize's share of the draws next to its weight, and keep doing so for rows added with
 * Flask-Admin's "Add" button. */
(function () {
  "use strict";
  var form = document.getElementById("section-form");
  if (!form) return;

  function groupOf(input) {
    return input.closest(".form-row > div") || input.closest(".form-group") || input.parentElement;
  }

  function rowOf(el) { return el.closest(".inline-field"); }

  function showRewardFields(row) {
    var select = row.querySelector("select[name$='-reward_kind']");
    if (!select) return;
    var kind = select.value;
    var mode = row.querySelector("select[name$='-r_red_packet_mode']");
    row.querySelectorAll("[name*='-r_']").forEach(function (input) {
      var name = input.getAttribute("name");
      var own = name.indexOf("-r_" + kind + "_") !== -1;
      if (own && kind === "red_packet" && mode) {
        var fixed = mode.value === "fixed";
        if (/_amount$/.test(name)) own = fixed;
        if (/_(min|max)$/.test(name)) own = !fixed;
      }
      var display = own ? "" : "none";
      var group = groupOf(input);
      if (group.style.display !== display) group.style.display = display;
    });
  }

  /* fields marked data-shown-with="<select>:<value>,<value>" show only while their row's
   * select of that name has one of those values (a task's event fields) */
  function showDependentFields(row) {
    row.querySelectorAll("[data-shown-with]").forEach(function (input) {
      var spec = input.getAttribute("data-shown-with").split(":");
      var select = row.querySelector("select[name$='-" + spec[0] + "']");
      if (!select) return;
      var display = spec[1].split(",").indexOf(select.value) >= 0 ? "" : "none";
      var group = groupOf(input);
      if (group.style.display !== display) group.style.display = display;
    });
  }

  function updateShares() {
    var weights = Array.prototype.slice.call(
      form.querySelectorAll(".inline-field-list input[name$='-weight']"));
    var total = weights.reduce(function (sum, input) {
      var value = parseFloat(input.value);
      return sum + (isFinite(value) && value > 0 ? value : 0);
    }, 0);
    weights.forEach(function (input) {
      var group = groupOf(input);
      var share = group.querySelector(".weight-share");
      if (!share) {
        share = document.createElement("small");
        share.className = "form-text weight-share font-weight-bold";
        group.appendChild(share);
      }
      var value = parseFloat(input.value);
      var pct = total > 0 && isFinite(value) ? (100 * value / total) : 0;
      var text = "= " + pct.toFixed(2) + "%";
      if (share.textContent !== text) {
        share.textContent = text;
        share.setAttribute("data-share", pct.toFixed(2));
      }
    });
  }

  function refresh() {
    form.querySelectorAll(".inline-field").forEach(showRewardFields);
    form.querySelectorAll(".inline-field").forEach(showDependentFields);
    updateShares();
  }

  // rows are added with Flask-Admin's own faForm (the button carries no inline handler)
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (!button || !window.faForm) return;
    event.preventDefault();
    window.faForm.addInlineField(button, button.getAttribute("data-add-row"));
  });

  form.addEventListener("change", function (event) {
    var row = rowOf(event.target);
    if (row) { showRewardFields(row); showDependentFields(row); }
    updateShares();
  });
  form.addEventListener("input", function (event) {
    if (/-weight$/.test(event.target.name || "")) updateShares();
  });
  // rows added by Flask-Admin's "Add" button: watch each list for new children only
  var observer = new MutationObserver(refresh);
  form.querySelectorAll(".inline-field-list").forEach(function (list) {
    observer.observe(list, {childList: true});
  });
  refresh();
})();
