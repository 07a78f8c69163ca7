/* Invite a friend: my code and link (carrying ?ref=CODE), progress toward the inviter reward,
 * draws earned by invitations, and a lead form for prospects. */
(function () {
  "use strict";
  var CS = window.CS, data = CS.data, T = CS.T, cfg = data.config;
  var drawBtn = document.getElementById("invite-draw");

  function onState(me) {
    var link = CS.shareUrl();
    document.getElementById("invite-code").textContent = me.referral_code || "------";
    document.getElementById("invite-link").textContent = link;
    var n = me.referrals !== undefined ? me.referrals : (me.referrals_total || 0);
    document.getElementById("invited-count").textContent = String(n);
    document.getElementById("progress-fill").style.width = Math.min(100, n / cfg.goal * 100) + "%";
    document.getElementById("progress").setAttribute("aria-valuenow", String(n));
    Array.prototype.forEach.call(document.querySelectorAll("[data-step]"), function (li) {
      li.classList.toggle("done", +li.getAttribute("data-step") <= n);
    });
    var goalPrize = CS.prize(cfg.goal_prize);
    document.getElementById("goal-note").textContent = n >= cfg.goal ? T.goal_reached
      : (goalPrize ? T.goal_earns.replace("{goal}", cfg.goal).replace("{prize}", CS.prizeName(goalPrize.key)) : "");
    document.getElementById("invite-chances").textContent = String(me.chances_total || 0);
    drawBtn.hidden = !(me.chances_total > 0);
  }

  document.getElementById("copy-link").addEventListener("click", function () {
    var url = CS.shareUrl();
    CS.copy(url).then(function () { CS.toast(T.copied); }, function () {
      CS.modal({title: T.copy_failed, body: url});
    });
  });

  drawBtn.addEventListener("click", function () {
    drawBtn.disabled = true;
    CS.draw(null).then(CS.showResult).catch(CS.showError).then(function () {
      drawBtn.disabled = false; return CS.after();
    });
  });

  var form = document.getElementById("lead-form");
  if (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var error = document.getElementById("lead-error");
      var name = form.elements.name.value.trim(), phone = form.elements.phone.value.trim();
      var problem = !name ? T.name_required : (!/^\+?[0-9 -]{6,20}$/.test(phone) ? T.phone_invalid
        : (!form.elements.consent_contact.checked ? cfg.consent_text : ""));
      error.textContent = problem; error.hidden = !problem;
      if (problem) return;
      var body = {name: name, phone: phone, consent_contact: true};
      if (form.elements.city && form.elements.city.value.trim()) body.note = form.elements.city.value.trim();
      form.querySelector("button").disabled = true;
      CS.write(CS.base + "/leads", body).then(function (r) {
        form.hidden = true;
        document.getElementById("lead-done").hidden = false;
        document.body.setAttribute("data-lead", String(r.lead_id || ""));
      }).catch(function (p) {
        error.textContent = CS.message(p); error.hidden = false;
        form.querySelector("button").disabled = false;
      });
    });
  }
  CS.start({onState: onState});
})();
