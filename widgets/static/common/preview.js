/* The mall and tasks as the preview and the sandbox fake them: exchanges against the page's
 * own points, the sample's stock and limits; tasks as the sample says (nothing is stored). */
window.CSLoyaltyFake = function (data, wallet, done) {
  "use strict";
  var exchanges = [], taken = {}, next = 1;
  function copy(value) { return JSON.parse(JSON.stringify(value)); }
  function item(key) {
    return (data.mall_items || []).filter(function (i) { return i.key === key; })[0];
  }
  function left(i) {
    var out = [];
    if (i.stock !== null && i.stock !== undefined) out.push(i.stock - (taken[i.key] || 0));
    if (i.per_person_limit) out.push(i.per_person_limit - (taken[i.key] || 0));
    if (i.per_day_limit) out.push(i.per_day_limit - (taken[i.key] || 0));
    return out.length ? Math.max(0, Math.min.apply(null, out)) : null;
  }
  function mall() {
    return {joined: true, points_from: "campaign", balance: wallet.points,
            items: (data.mall_items || []).map(function (i) {
              var row = copy(i);
              row.stock_left = i.stock === null || i.stock === undefined ? null
                : i.stock - (taken[i.key] || 0);
              row.mine = {total: taken[i.key] || 0, today: taken[i.key] || 0, can_take: left(i)};
              return row;
            })};
  }
  function problem(code) {
    return Promise.reject(new window.CS.Problem(409, {code: code, status: 409}));
  }
  function exchange(body) {
    var i = item(body.item), qty = body.quantity || 1;
    if (!i) return Promise.reject(new window.CS.Problem(422, {code: "validation_error"}));
    var can = left(i);
    if (i.stock !== null && i.stock !== undefined && i.stock - (taken[i.key] || 0) < qty) {
      return problem("sold_out");
    }
    if (can !== null && can < qty) return problem("limit_reached");
    if (wallet.points < i.price * qty) return problem("insufficient_points");
    wallet.points -= i.price * qty;
    taken[i.key] = (taken[i.key] || 0) + qty;
    var choice = (i.choices || []).filter(function (c) { return c.key === body.choice; })[0];
    var ex = {exchange_id: next++, item: i.key, choice: body.choice || null,
              name: i.name + (choice ? " · " + choice.name : ""), quantity: qty,
              points: i.price * qty, refunded_points: 0, status: "issuing",
              created_at: new Date().toISOString(), parts: [], balance: wallet.points};
    exchanges.unshift(ex);
    return Promise.resolve(copy(ex));
  }
  function tasks() {
    var list = (data.tasks || []).map(function (t) {
      var finished = done.indexOf(t.key) >= 0;
      return {key: t.key, name: t.name, event: t.event, badge: t.badge, points: t.points,
              done: finished, badge_held: finished && !!t.badge,
              progress: t.target ? {current: finished ? t.target : 0, target: t.target} : null};
    });
    var held = list.filter(function (t) { return t.badge_held; }).map(function (t) { return t.key; });
    return {joined: true, tasks: list, badges: {held: held, count: held.length,
            total: list.filter(function (t) { return t.badge; }).length}};
  }
  return {
    "GET /mall": function () { return Promise.resolve(mall()); },
    "POST /exchanges": exchange,
    "GET /exchanges": function () { return Promise.resolve({exchanges: copy(exchanges)}); },
    "GET /tasks": function () { return Promise.resolve(tasks()); }
  };
};

/* Preview mode only: a fake participant API over sample data, so the studio can embed the page
 * without a token or a server. Outcomes here are invented for display and marked as such. */
window.CSPreview = function (data) {
  "use strict";
  if (data.preview && data.preview.sandbox) return window.CSSandbox(data);
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
      var cfg = data.config, points = cfg.daily_points || 0;
      if (cfg.bonus_points && (cfg.bonus_days || []).indexOf(new Date().getDate()) >= 0) {
        points += cfg.bonus_points;  // what the settings' rules would pay (sample only)
      }
      me.checked_in_today = true; me.streak += 1; me.checkins += 1; me.points += points;
      return ok({counted: true, granted: {}, points: points, messages: [], streak: me.streak});
    },
    "POST /votes": function (body) {
      me.voted_today = me.voted_today || [];
      if (me.voted_today.indexOf(body.candidate) >= 0) return fail(409, "already_voted");
      if ((me.votes_today || 0) >= (data.config.votes_per_day || 3)) return fail(403, "vote_limit");
      me.voted_today.push(body.candidate);
      me.votes_today = (me.votes_today || 0) + 1;
      counts[body.candidate] = (counts[body.candidate] || 0) + 1;
      return ok({counted: true, granted: {}, points: 0, messages: [], count: counts[body.candidate]});
    },
    "POST /leads": function () { return ok({lead_id: 1, messages: []}); },
    "GET /votes": function () { return ok({counts: counts}); },
    "GET ": function () { return ok({votes: counts}); }
  };
  var loyalty = window.CSLoyaltyFake(data, me, state.tasks_done || []);
  Object.keys(loyalty).forEach(function (route) { routes[route] = loyalty[route]; });
  return function (method, path, body) {
    if (path === data.api_base + "/me/rewards") return ok({rewards: rewards});
    var prefix = data.api_base + "/campaigns/" + data.slug;
    var route = routes[method + " " + path.slice(prefix.length)];
    return route ? route(body || {}) : fail(404, "not_found");
  };
};

/* Studio preview of a draft: the studio's sandbox answers with the draft's own rules and odds;
 * the participant's state (chances, points, wins) lives here, so nothing is stored anywhere. */
window.CSSandbox = function (data) {
  "use strict";
  var sandbox = data.preview.sandbox;
  var state = JSON.parse(JSON.stringify(sandbox.state));
  var rewards = [];
  var counts = JSON.parse(JSON.stringify(data.preview.counts || {}));

  function me() {
    return {chances: state.chances, points: state.points, streak: state.streak,
            checkins: state.checkins, draws: state.draws, wins: state.wins,
            referral_code: "PREVIEW", share_link: "#", referrals: 0, votes_today: 0,
            checked_in_today: !!state.checked_in_today};
  }
  function copy(value) { return JSON.parse(JSON.stringify(value)); }
  function fail(status, code, detail) {
    return Promise.reject(new window.CS.Problem(status, {code: code, status: status, detail: detail}));
  }
  function apply(actions) {
    var granted = {}, points = 0, messages = [];
    (actions || []).forEach(function (a) {
      if (a.name === "grant_chances") {
        state.chances[a.params.kind] = (state.chances[a.params.kind] || 0) + a.params.count;
        granted[a.params.kind] = (granted[a.params.kind] || 0) + a.params.count;
      } else if (a.name === "award_points") {
        state.points += a.params.amount; points += a.params.amount;
      } else if (a.name === "send_message") {
        messages.push(a.params.text);
      }
    });
    return {granted: granted, points: points, messages: messages};
  }
  function ask(action, body) {
    return fetch(sandbox.url + "/" + action, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": sandbox.csrf},
      body: JSON.stringify({state: state, body: body || {}})
    }).then(function (res) {
      return res.json().then(function (json) {
        if (!res.ok) throw new window.CS.Problem(res.status, json);
        return json;
      });
    });
  }
  function takeChance(kind) {
    var keys = kind ? [kind] : Object.keys(state.chances);
    for (var i = 0; i < keys.length; i++) {
      if ((state.chances[keys[i]] || 0) > 0) { state.chances[keys[i]] -= 1; return keys[i]; }
    }
    return null;
  }
  function draw(body) {
    var kind = takeChance(body.chance_kind);
    if (!kind) return fail(409, "no_chances");
    return ask("draw", {chance_kind: kind}).then(function (answer) {
      if (answer.denied) { state.chances[kind] += 1; return fail(403, "denied", answer.denied); }
      var prize = answer.prize;
      state.draws += 1;
      if (prize && !prize.fallback) {
        state.wins += 1;
        state.wins_by_prize[prize.key] = (state.wins_by_prize[prize.key] || 0) + 1;
      }
      var applied = apply(answer.actions);
      if (prize) rewards.unshift({id: state.draws, prize_key: prize.key, kind: prize.kind, status: "pending"});
      return {prize: prize, won: !!prize, consolation: !!(prize && prize.fallback), preview: true,
              amount: prize ? prize.amount : null, chance_kind: kind, messages: applied.messages};
    });
  }
  function simple(action, update) {
    return function (body) {
      return ask(action, body).then(function (answer) {
        if (answer.denied) return fail(403, "denied", answer.denied);
        if (update) update(body);
        var applied = apply(answer.actions);
        return {counted: true, granted: applied.granted, points: applied.points,
                messages: applied.messages, streak: state.streak,
                count: body && body.candidate ? counts[body.candidate] : undefined};
      });
    };
  }
  var routes = {
    "POST /join": function () {
      return ask("join", {}).then(function (answer) {
        if (answer.denied) return fail(403, "not_eligible", answer.denied);
        apply(answer.actions);
        return {joined: true};
      });
    },
    "GET /me": function () { return Promise.resolve(copy(me())); },
    "POST /draw": draw,
    "POST /share": simple("share", function () { state.shares_today += 1; }),
    "POST /referrals": simple("referrals"),
    "POST /check-in": function (body) {
      if (state.checked_in_today) return fail(409, "already_checked_in");
      return simple("check-in", function () {
        state.checked_in_today = true; state.streak += 1; state.checkins += 1;
      })(body);
    },
    "POST /votes": simple("votes", function (body) {
      counts[body.candidate] = (counts[body.candidate] || 0) + 1;
    }),
    "POST /leads": simple("leads"),
    "GET /votes": function () { return Promise.resolve({counts: copy(counts)}); },
    "GET ": function () { return Promise.resolve({votes: copy(counts)}); }
  };
  var loyalty = window.CSLoyaltyFake(data, state, []);
  Object.keys(loyalty).forEach(function (route) { routes[route] = loyalty[route]; });
  return function (method, path, body) {
    if (path === data.api_base + "/me/rewards") return Promise.resolve({rewards: copy(rewards)});
    var prefix = data.api_base + "/campaigns/" + data.slug;
    var route = routes[method + " " + path.slice(prefix.length)];
    return route ? route(body || {}) : fail(404, "not_found");
  };
};
