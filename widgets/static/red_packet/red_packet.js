/* Red packet: tap 開; the amount shown is the one the server drew (named by CS.rewardLabel,
 * so a points prize reads "88 积分", not "¥88"). Share to grab another. */
(function () {
  "use strict";
  var CS = window.CS, T = CS.T;
  var packet = document.getElementById("packet"), open = document.getElementById("packet-open");
  var amount = document.getElementById("packet-amount"), name = document.getElementById("packet-name");
  var busy = false;

  function close() { packet.classList.remove("opened"); open.disabled = false; }

  open.addEventListener("click", function () {
    if (busy) return;
    busy = true; open.disabled = true; open.classList.add("spinning");
    var turn = new Promise(function (r) { setTimeout(r, 900); });
    CS.draw(null).then(function (r) {
      return turn.then(function () {
        open.classList.remove("spinning");
        amount.textContent = r.label && r.label !== r.name ? r.label : "";
        name.textContent = r.name;
        packet.setAttribute("data-prize", r.prizeKey || "");
        packet.classList.add("opened");
        return new Promise(function (res) { setTimeout(res, 700); }).then(function () {
          CS.showResult(r);
          CS.onModalClose = close;
        });
      });
    }).catch(function (p) {
      open.classList.remove("spinning"); open.disabled = false; CS.showError(p);
    }).then(function () { busy = false; return CS.after(); });
  });
  CS.start({onBlocked: function () { open.disabled = true; }});
  void T;
})();
