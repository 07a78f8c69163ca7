/* Daily check-in: calendar of this month (campaign time zone), streak, points; the runtime
 * decides what each check-in earns (rules) and refuses a second one the same day. */
(function () {
  "use strict";
  var CS = window.CS, data = CS.data, T = CS.T, cfg = data.config;
  // bonus days are marked only when a bonus is paid: the same settings generate that rule
  var bonusDays = cfg.bonus_points ? cfg.bonus_days : [];
  var button = document.getElementById("ci-button");
  var showDraw = CS.drawButton(document.getElementById("ci-draw"),
    document.getElementById("ci-chances"), null);
  var grid = document.getElementById("ci-grid"), checkedToday = false, lastMe = null;

  function today() {
    var parts = new Intl.DateTimeFormat("en-CA", {timeZone: data.schedule.timezone || "Asia/Shanghai",
      year: "numeric", month: "2-digit", day: "2-digit"}).format(new Date()).split("-");
    return {y: +parts[0], m: +parts[1], d: +parts[2]};
  }

  function doneDays(me, now) {
    if (me && Array.isArray(me.checkin_days)) {
      var prefix = now.y + "-" + String(now.m).padStart(2, "0") + "-";
      return me.checkin_days.filter(function (s) { return s.indexOf(prefix) === 0; })
        .map(function (s) { return +s.slice(8, 10); });
    }
    var streak = (me && me.streak) || 0, end = checkedToday ? now.d : now.d - 1, days = [];
    for (var i = 0; i < streak && end - i >= 1; i++) days.push(end - i);
    return days;
  }

  function render(me) {
    var now = today(), first = new Date(Date.UTC(now.y, now.m - 1, 1)).getUTCDay();
    var length = new Date(Date.UTC(now.y, now.m, 0)).getUTCDate(), done = doneDays(me, now);
    document.getElementById("ci-month").textContent = data.lang === "en"
      ? now.y + "-" + String(now.m).padStart(2, "0") : now.y + "年" + now.m + "月";
    grid.textContent = "";
    for (var b = 0; b < first; b++) grid.appendChild(CS.el("span"));
    for (var d = 1; d <= length; d++) {
      var cls = "ci-day";
      if (bonusDays.indexOf(d) >= 0) cls += " bonus";
      if (done.indexOf(d) >= 0) cls += " done";
      else if (d < now.d) cls += " past";
      if (d === now.d) cls += " today";
      var cell = CS.el("span", cls, String(d));
      cell.setAttribute("data-day", String(d));
      grid.appendChild(cell);
    }
  }

  function onState(me) {
    lastMe = me;
    if (me.checked_in_today !== undefined) checkedToday = !!me.checked_in_today;
    document.getElementById("ci-streak").textContent = String(me.streak || 0);
    document.getElementById("ci-total").textContent = String(me.checkins || 0);
    document.getElementById("ci-points").textContent = String(me.points || 0);
    // points the check-in earned are credited by a worker a moment later (page.js asks again)
    var pending = document.getElementById("ci-pending");
    pending.textContent = CS.pendingPoints(me);
    pending.hidden = !pending.textContent;
    showDraw(me);
    button.textContent = checkedToday ? T.checked_in : T.check_in;
    render(me);
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    CS.write(CS.base + "/check-in", {}).then(function (r) {
      checkedToday = true;
      CS.modal({icon: "✅", title: T.earned + (r.streak ? " · " + T.streak + " " + r.streak + " " + T.days : ""),
                body: CS.earned(r), tone: "win"});
      document.body.setAttribute("data-last-checkin", String(r.streak || ""));
    }).catch(function (p) {
      if (p && p.code === "already_checked_in") checkedToday = true;
      CS.showError(p);
    }).then(function () { button.disabled = false; return CS.after(); });
  });

  render(lastMe);
  CS.start({onState: onState, onBlocked: function () { button.disabled = true; }});
})();
