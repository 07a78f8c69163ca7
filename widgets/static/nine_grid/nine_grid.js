/* Nine-grid: a light runs round the eight cells and stops on the cell of the server's prize. */
(function () {
  "use strict";
  var CS = window.CS, data = CS.data;
  var RING = [0, 1, 2, 5, 8, 7, 6, 3];
  var ICONS = {physical: "🎁", coupon_code: "🎟️", points: "💎", red_packet: "🧧", webhook: "🎀", none: "🍀"};
  var go = document.getElementById("grid-go");
  var cells = RING.map(function (i) { return document.querySelector('[data-cell="' + i + '"]'); });
  var slots = RING.map(function (_, n) { return data.prizes.length ? data.prizes[n % data.prizes.length] : null; });
  var position = 0, busy = false;

  slots.forEach(function (p, n) {
    if (!p) return;
    cells[n].setAttribute("data-prize", p.key);
    cells[n].querySelector(".cell-icon").textContent = ICONS[p.kind] || "🎁";
    cells[n].querySelector(".cell-name").textContent = CS.prizeName(p.key);
  });

  function light(n) {
    cells.forEach(function (c, i) { c.classList.toggle("lit", i === n); c.classList.remove("won"); });
  }

  function runTo(key) {
    var targets = [];
    slots.forEach(function (p, n) { if (p && p.key === key) targets.push(n); });
    var target = targets.length ? targets[Math.floor(Math.random() * targets.length)] : 0;
    var steps = 8 * (data.config.laps || 3) + ((target - position + 8) % 8);
    return new Promise(function (resolve) {
      var done = 0;
      (function tick() {
        position = (position + 1) % 8; light(position); done++;
        if (done >= steps) { cells[position].classList.add("won"); setTimeout(resolve, 500); return; }
        var left = steps - done;
        setTimeout(tick, left < 8 ? 60 + (8 - left) * 45 : 55);
      })();
    });
  }

  go.addEventListener("click", function () {
    if (busy) return;
    busy = true; go.disabled = true;
    CS.draw(null).then(function (r) {
      return runTo(r.prizeKey).then(function () { CS.showResult(r); });
    }).catch(CS.showError).then(function () {
      busy = false; go.disabled = false; return CS.after();
    });
  });
  light(0);
  CS.start({onBlocked: function () { go.disabled = true; }});
})();
