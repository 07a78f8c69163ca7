/* Invite a friend: my code and link (carrying ?ref=CODE), progress toward the inviter reward
 * and the draws invitations earn; the lead form is static/common/lead.js. */
(function () {
  "use strict";
  var CS = window.CS, T = CS.T, cfg = CS.data.config;
  var showDraw = CS.drawButton(document.getElementById("invite-draw"),
    document.getElementById("invite-chances"), null);

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
    showDraw(me);
  }

  document.getElementById("copy-link").addEventListener("click", function () {
    var url = CS.shareUrl();
    CS.copy(url).then(function () { CS.toast(T.copied); }, function () {
      CS.modal({title: T.copy_failed, body: url});
    });
  });

  CS.start({onState: onState});
})();
