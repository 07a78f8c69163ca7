/* Preview mode only: a fake participant API over sample data, so the studio can embed the page
 * without a token or a server. Outcomes here are invented for display and marked as such. */
window.CSPreview = function (data) {
  "use strict";
  var state = JSON.parse(JSON.stringify(data.preview || {}));
  var me = state.me || {chances: {}};
  var counts = state.counts || {};
  var rewards = state.rewards || [];
  var draws = 0;

  function fail(status, code) {
    return Promise.reject(new window.CS.Problem(status, {code: code, status: status}));
  }
  function ok(value) {
    return new Promise(function (resolve) {
      setTimeout(function () { resolve(JSON.parse(JSON.stringify(value))); }, 150);
    });
  }
  function takeChance(kind) {
    var keys = kind ? [kind] : Object.keys(me.chances);
    for (var i = 0; i < keys.length; i++) {
      if ((me.chances[keys[i]] || 0) > 0) { me.chances[keys[i]] -= 1; return keys[i]; }
    }
    return null;
  }
  function fakeDraw(body) {
    if (!takeChance(body.chance_kind)) return fail(409, "no_chances");
    var prizes = data.prizes.filter(function (p) { return p.kind !== "physical" || draws === 0; });
    var p = prizes[draws % prizes.length];
    draws += 1;
    var reward = p.reward || {};
    var amount = p.kind === "red_packet" ? (reward.amount || 6.66) : null;
    rewards.unshift({id: draws, prize_key: p.key, kind: p.kind, status: "pending",
                     payload: amount ? {amount_cents: Math.round(amount * 100)} : {}});
    return ok({prize: {key: p.key, name: p.name, fallback: p.fallback}, won: true,
               consolation: !!p.fallback, preview: true,
               reward: amount ? {id: draws, kind: p.kind, status: "pending", amount: amount} : null});
  }
  var routes = {
    "POST /join": function () { return ok({joined: true}); },
    "GET /me": function () { return ok(me); },
    "POST /draw": fakeDraw,
    "POST /share": function () {
      var k = Object.keys(me.chances)[Object.keys(me.chances).length - 1];
      if (k) me.chances[k] += 1;
      return ok({shared: true});
    },
    "POST /referrals": function () { return ok({}); },
    "POST /check-in": function () {
      if (me.checked_in_today) return fail(409, "already_checked_in");
      me.checked_in_today = true; me.streak += 1; me.checkins += 1; me.points += 10;
      return ok({counted: true, granted: {}, points: 10, messages: [], streak: me.streak});
    },
    "POST /votes": function (body) {
      if ((me.votes_today || 0) >= (data.config.votes_per_day || 3)) return fail(403, "vote_limit");
      me.votes_today = (me.votes_today || 0) + 1;
      counts[body.candidate] = (counts[body.candidate] || 0) + 1;
      return ok({counted: true, granted: {}, points: 0, messages: [], count: counts[body.candidate]});
    },
    "POST /leads": function () { return ok({lead_id: 1, messages: []}); },
    "GET /votes": function () { return ok({counts: counts}); },
    "GET ": function () { return ok({votes: counts}); }
  };
  return function (method, path, body) {
    if (path === data.api_base + "/me/rewards") return ok({rewards: rewards});
    var prefix = data.api_base + "/campaigns/" + data.slug;
    var route = routes[method + " " + path.slice(prefix.length)];
    return route ? route(body || {}) : fail(404, "not_found");
  };
};
