/* Treasure dig: pick a shovel (a chance kind), tap a spot; the server's draw decides the find. */
(function () {
  "use strict";
  var CS = window.CS, data = CS.data;
  var shovels = Array.prototype.slice.call(document.querySelectorAll(".shovel"));
  var plots = Array.prototype.slice.call(document.querySelectorAll(".plot"));
  var selected = data.default_kind || (data.chance_kinds[0] && data.chance_kinds[0].key), busy = false;

  function choose(kind) {
    selected = kind;
    shovels.forEach(function (s) {
      s.setAttribute("aria-checked", s.getAttribute("data-kind") === kind ? "true" : "false");
    });
  }

  function onState(me) {
    shovels.forEach(function (s) {
      var k = s.getAttribute("data-kind");
      s.querySelector(".shovel-count").textContent = String(me.chances[k] || 0);
    });
    if (!(me.chances[selected] > 0)) {
      var other = data.chance_kinds.filter(function (k) { return me.chances[k.key] > 0; })[0];
      if (other) selected = other.key;
    }
    choose(selected);
    document.getElementById("dig-hint").textContent = me.chances_total > 0 ? CS.T.pick_spot : CS.T.no_shovel;
  }

  function resetField() {
    plots.forEach(function (p) {
      p.classList.remove("open"); p.disabled = false;
      p.innerHTML = '<span class="mound" aria-hidden="true"></span>';
    });
  }

  function dig(plot) {
    if (busy || plot.classList.contains("open")) return;
    busy = true;
    plot.classList.add("digging");
    var shake = new Promise(function (r) { setTimeout(r, 720); });
    CS.draw(selected).then(function (r) {
      return shake.then(function () {
        plot.classList.remove("digging");
        plot.classList.add("open"); plot.disabled = true;
        plot.setAttribute("data-prize", r.prizeKey || "");
        plot.textContent = "";
        plot.appendChild(CS.el("span", "found", r.name));
        CS.showResult(r);
      });
    }).catch(function (p) {
      plot.classList.remove("digging"); CS.showError(p);
    }).then(function () {
      busy = false;
      if (plots.every(function (p) { return p.classList.contains("open"); })) setTimeout(resetField, 1500);
      return CS.after();
    });
  }

  shovels.forEach(function (s) {
    s.addEventListener("click", function () { choose(s.getAttribute("data-kind")); });
  });
  plots.forEach(function (p) { p.addEventListener("click", function () { dig(p); }); });
  choose(selected);
  CS.start({onState: onState, onBlocked: function () { plots.forEach(function (p) { p.disabled = true; }); }});
})();
