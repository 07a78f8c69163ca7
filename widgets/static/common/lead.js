/* The lead form of a page that offers one (templates/_lead_form.html): checks what it can
 * (a name, a phone number, the ticked consent box), then POST /leads; the runtime stores the
 * lead with its consent and runs the campaign's lead rules. */
(function () {
  "use strict";
  var CS = window.CS, T = CS.T, lead = CS.data.lead;
  var form = document.getElementById("lead-form");
  if (!form || !lead) return;
  var error = document.getElementById("lead-error");
  var clause = lead.consent || T.consent_default;

  function problem() {
    var name = form.elements.name.value.trim(), phone = form.elements.phone.value.trim();
    if (!name) return T.name_required;
    if (!/^\+?[0-9 -]{6,20}$/.test(phone)) return T.phone_invalid;
    if (!form.elements.consent_contact.checked) return T.consent_required + clause;
    return "";
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = problem();
    error.textContent = text; error.hidden = !text;
    if (text) return;
    var body = {name: form.elements.name.value.trim(), phone: form.elements.phone.value.trim(),
                consent_contact: true};
    if (form.elements.city && form.elements.city.value.trim()) body.note = form.elements.city.value.trim();
    form.querySelector("button").disabled = true;
    CS.write(CS.base + "/leads", body).then(function (r) {
      form.hidden = true;
      document.getElementById("lead-done").hidden = false;
      document.body.setAttribute("data-lead", String(r.lead_id || ""));
      return CS.after();
    }).catch(function (p) {
      error.textContent = CS.message(p); error.hidden = false;
      form.querySelector("button").disabled = false;
    });
  });
})();
