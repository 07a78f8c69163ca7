/* Vote contest: one vote per candidate per day (or ever: vote_period once) and a daily limit
 * set by the campaign's rules, so the votes I have left are the fewer of what the limit leaves
 * and the candidates I may still vote for. Counts come from the server (the vote answer and
 * the public campaign view); draws a vote earns and the lead form come with the campaign. */
(function () {
  "use strict";
  var CS = window.CS, data = CS.data, T = CS.T, cfg = data.config;
  var used = 0, voted = {};
  var drawButton = document.getElementById("vote-draw");
  var showDraw = drawButton
    ? CS.drawButton(drawButton, document.getElementById("vote-chances"), data.draw_kind) : null;

  function setCount(id, n) {
    if (n === undefined || n === null) return;
    var li = document.querySelector('[data-candidate="' + id + '"] [data-count]');
    if (li) li.textContent = String(n);
  }

  function setCounts(counts) {
    Object.keys(counts || {}).forEach(function (id) { setCount(id, counts[id]); });
  }

  function votable() {
    return cfg.candidates.filter(function (c) { return !voted[c.id]; }).length;
  }

  function renderLeft() {
    var byLimit = Math.max(0, cfg.votes_per_day - used), open = votable();
    var left = Math.min(byLimit, open);
    document.getElementById("votes-left").textContent = String(left);
    // the limit leaves votes but every candidate has mine: say so rather than show unusable votes
    document.getElementById("vote-note").hidden = !(byLimit > 0 && open === 0);
    Object.keys(voted).forEach(function (id) {
      var b = document.querySelector('[data-vote="' + id + '"]');
      if (b) { b.classList.add("voted"); b.textContent = "✓"; }
    });
    document.body.setAttribute("data-votes-left", String(left));
  }

  function onState(me) {
    if (me.votes_today !== undefined) used = me.votes_today;
    (me.voted_today || []).forEach(function (id) { voted[id] = true; });
    if (me.vote_counts) setCounts(me.vote_counts);
    renderLeft();
    if (showDraw) showDraw(me);
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
        var got = CS.earned(r);
        CS.toast(got ? T.voted + " " + got : T.voted);
        document.body.setAttribute("data-last-vote", id);
        return CS.after();  // a vote may earn a draw or points
      }).catch(function (p) {
        if (p && p.code === "already_voted") voted[id] = true;
        CS.showError(p);
      }).then(function () { button.disabled = false; renderLeft(); });
    });
  });

  if (data.preview) setCounts(data.preview.counts);
  CS.start({onState: onState});
  poll();
  setInterval(poll, 15000);
})();
