/* Vote contest: one vote per candidate per day, a daily limit set by the campaign's rules;
 * counts come from the server (the vote answer and the public campaign view). */
(function () {
  "use strict";
  var CS = window.CS, data = CS.data, T = CS.T, cfg = data.config;
  var used = 0, voted = {};

  function setCount(id, n) {
    if (n === undefined || n === null) return;
    var li = document.querySelector('[data-candidate="' + id + '"] [data-count]');
    if (li) li.textContent = String(n);
  }

  function setCounts(counts) {
    Object.keys(counts || {}).forEach(function (id) { setCount(id, counts[id]); });
  }

  function renderLeft() {
    document.getElementById("votes-left").textContent = String(Math.max(0, cfg.votes_per_day - used));
    Object.keys(voted).forEach(function (id) {
      var b = document.querySelector('[data-vote="' + id + '"]');
      if (b) { b.classList.add("voted"); b.textContent = "✓"; }
    });
  }

  function onState(me) {
    if (me.votes_today !== undefined) used = me.votes_today;
    (me.voted_today || []).forEach(function (id) { voted[id] = true; });
    if (me.vote_counts) setCounts(me.vote_counts);
    renderLeft();
  }

  function poll() {
    if (!cfg.show_counts || data.preview) return;
    CS.request("GET", CS.base).then(function (view) {
      setCounts(view.vote_counts || view.votes);
    }).catch(function () { return null; });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-vote]"), function (button) {
    button.addEventListener("click", function () {
      var id = button.getAttribute("data-vote");
      button.disabled = true;
      CS.write(CS.base + "/votes", {candidate: id}).then(function (r) {
        used += 1; voted[id] = true;
        if (r.count !== undefined) setCount(id, r.count);
        if (r.counts) setCounts(r.counts);
        renderLeft();
        CS.toast(T.voted);
        document.body.setAttribute("data-last-vote", id);
      }).catch(function (p) {
        if (p && p.code === "already_voted") { voted[id] = true; renderLeft(); }
        CS.showError(p);
      }).then(function () { button.disabled = false; });
    });
  });

  if (data.preview) setCounts(data.preview.counts);
  CS.start({onState: onState});
  poll();
  setInterval(poll, 15000);
})();
