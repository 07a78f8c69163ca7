/* Prize rows: choosing "From the rights library" fills the row from the right: its reward
 * kind and that kind's fields, the names and the cost. The values stay editable; the row
 * keeps the right's key (the prize's `right`). Rows added later are handled too (the
 * listener sits on the form). */
(function () {
  "use strict";
  var data = document.getElementById("rights-data");
  var form = document.getElementById("section-form");
  if (!data || !form) return;
  var rights = {};
  JSON.parse(data.textContent).forEach(function (right) { rights[right.key] = right; });

  function set(row, name, value) {
    var input = row.querySelector("[name='" + name + "']");
    if (!input) return;
    var text = value === null || value === undefined ? "" : String(value);
    if (input.tagName === "SELECT" && text &&
        !input.querySelector("option[value='" + CSS.escape(text) + "']")) {
      var option = document.createElement("option");
      option.value = text;
      option.textContent = text;
      input.appendChild(option);
    }
    input.value = text;
  }

  function fill(select) {
    var right = rights[select.value];
    if (!right) return;
    var row = select.closest(".inline-field");
    var prefix = select.name.slice(0, -"right".length);
    var kind = right.reward.kind;
    set(row, prefix + "name", right.name);
    set(row, prefix + "name_en", right.name_en);
    set(row, prefix + "value", right.cost);
    set(row, prefix + "reward_kind", kind);
    row.querySelectorAll("[name^='" + prefix + "r_" + kind + "_']").forEach(function (input) {
      var field = input.name.slice((prefix + "r_" + kind + "_").length);
      if (input.tagName === "SELECT") {
        if (right.reward[field] !== undefined) set(row, input.name, right.reward[field]);
      } else {
        set(row, input.name, right.reward[field]);
      }
    });
    // editor.js shows the chosen kind's fields on a change event
    row.querySelector("[name='" + prefix + "reward_kind']")
      .dispatchEvent(new Event("change", {bubbles: true}));
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches("select[data-right-select]")) fill(event.target);
  });
})();
