/* Campaign Studio participant page: token, API calls, errors, chances, my prizes, sharing.
 * Every outcome comes from the server; this file never picks a prize (except the clearly
 * marked preview, which fakes answers with sample data and calls nothing). */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("campaign-data").textContent);
  var T = data.texts, E = data.errors, slug = data.slug;
  var base = data.api_base + "/campaigns/" + encodeURIComponent(slug);
  var memory = {};
  // the campaign's own name for its points (青豆) where its settings have one
  var pointsUnit = (data.config && data.config.points_name) || T.points_unit;

  function store(key, value) {
    try {
      if (value === undefined) return window.sessionStorage.getItem(key);
      if (value === null) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, value);
    } catch (e) {  // storage disabled in some web views: keep it for this page only
      if (value === undefined) return memory[key] || null;
      memory[key] = value;
    }
    return value;
  }

  /* The app opens /c/<slug>#token=<JWT>: keep the token for the session, drop it from the URL
   * (and so from history, screenshots and any link copied from the address bar). */
  function takeToken() {
    var match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (match) {
      store("cs.token", decodeURIComponent(match[1]));
      history.replaceState(null, "", location.pathname + location.search);
    }
    var ref = new URLSearchParams(location.search).get("ref");
    if (ref && /^[A-Za-z0-9_-]{3,32}$/.test(ref)) store("cs.ref." + slug, ref);
    return store("cs.token");
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function Problem(status, body) {
    this.status = status;
    this.code = (body && body.code) || (status === 0 ? "network" : "unknown");
    this.detail = (body && body.detail) || "";
    this.body = body || {};
  }

  function message(problem) {
    if (!(problem instanceof Problem)) return E.unknown;
    var code = problem.code;
    if ((code === "not_eligible" || code === "denied") && problem.detail) return problem.detail;
    if (code === "validation_error" && problem.body.errors && problem.body.errors.length) {
      return E.validation_error + ": " + problem.body.errors.map(function (e) {
        return e.message;
      }).join("; ");
    }
    return E[code] || problem.detail || E.unknown;
  }

  var token = null;
  var fake = data.preview ? window.CSPreview && window.CSPreview(data) : null;

  function request(method, path, body, key) {
    if (data.preview) return fake(method, path, body);
    var headers = {"Accept": "application/json, application/problem+json"};
    if (token) headers.Authorization = "Bearer " + token;
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      headers["Idempotency-Key"] = key;
    }
    return fetch(path, {method: method, headers: headers, cache: "no-store", credentials: "omit",
                        body: method === "GET" ? undefined : JSON.stringify(body || {})})
      .then(function (res) {
        return res.text().then(function (text) {
          var json = {};
          try { json = text ? JSON.parse(text) : {}; } catch (e) { json = {}; }
          if (!res.ok) throw new Problem(res.status, json);
          return json;
        });
      }, function () { throw new Problem(0, null); });
  }

  /* Writes carry an Idempotency-Key; a network failure is retried once with the same key, so
   * a draw that did happen is answered again instead of drawn twice. */
  function write(path, body) {
    var key = uuid();
    return request("POST", path, body, key).catch(function (problem) {
      if (!(problem instanceof Problem) || problem.status !== 0) throw problem;
      return new Promise(function (r) { setTimeout(r, 800); }).then(function () {
        return request("POST", path, body, key);
      });
    });
  }

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function kindName(key) {
    for (var i = 0; i < data.chance_kinds.length; i++) {
      var k = data.chance_kinds[i];
      if (k.key === key) return data.lang === "en" && k.name_en ? k.name_en : k.name;
    }
    return key;
  }

  function prize(key) {
    for (var i = 0; i < data.prizes.length; i++) if (data.prizes[i].key === key) return data.prizes[i];
    return null;
  }

  function prizeName(key, fallback) {
    var p = prize(key);
    if (!p) return fallback || key || "";
    return data.lang === "en" && p.name_en ? p.name_en : p.name;
  }

  function money(value, currency) {
    var text = Number(value).toFixed(2);
    return !currency || currency === "CNY" ? "¥" + text : text + " " + currency;
  }

  /* A reward named by its kind and unit, from the public campaign view (prize.reward) and,
   * when known, the amount this win got (a red packet's, from the draw answer or the reward):
   * "100 积分" / "100 points", "¥1.88" (or "¥0.50–¥8.88" before it is drawn), a coupon's
   * name. One place for every page, so no page calls points "¥". */
  function rewardLabel(key, amount) {
    var p = prize(key);
    var r = (p && p.reward) || {};
    var got = amount !== undefined && amount !== null ? amount : r.amount;
    if (r.kind === "points") return got ? got + " " + pointsUnit : "";
    if (r.kind === "red_packet") {
      if (got !== undefined && got !== null) return money(got, r.currency);
      return r.min !== undefined && r.min !== null
        ? money(r.min, r.currency) + "–" + money(r.max, r.currency) : "";
    }
    if (r.kind === "coupon_code") return prizeName(key);
    return "";
  }

  function normalizeMe(raw) {
    var chances = {}, total = 0;
    var source = raw.chances || {};
    if (Array.isArray(source)) {
      source.forEach(function (c) { chances[c.kind || c.key] = c.left !== undefined ? c.left : c.count; });
    } else {
      Object.keys(source).forEach(function (k) {
        var v = source[k];
        chances[k] = typeof v === "object" && v ? (v.left !== undefined ? v.left : v.count) : v;
      });
    }
    Object.keys(chances).forEach(function (k) { total += Number(chances[k]) || 0; });
    raw.chances = chances;
    raw.chances_total = total;
    return raw;
  }

  function renderChances(me) {
    var bar = $("chance-bar");
    var kinds = data.chance_kinds.length ? data.chance_kinds.map(function (k) { return k.key; })
      : Object.keys(me.chances);
    if (!kinds.length || data.actions.indexOf("draw") < 0) return;
    bar.textContent = "";
    bar.appendChild(el("span", "chance-label", T.chances_left));
    kinds.forEach(function (key) {
      var item = el("span", "chance-item kind-" + key);
      item.setAttribute("data-kind", key);
      if (kinds.length > 1) item.appendChild(el("span", "chance-name", kindName(key)));
      item.appendChild(el("b", "chance-count", String(me.chances[key] || 0)));
      bar.appendChild(item);
    });
    bar.hidden = false;
  }

  /* The label of one of my rewards: a campaign prize by rewardLabel; points a rule awarded
   * (no prize) by their amount. */
  function rewardItemLabel(r, result, payload) {
    var amount = r.kind === "red_packet"
      ? (result.amount !== undefined ? result.amount
        : (payload.amount_cents !== undefined ? payload.amount_cents / 100 : null))
      : (result.points || payload.amount);
    if (prize(r.prize_key)) return rewardLabel(r.prize_key, amount);
    if (r.kind === "points" && amount) return "+" + amount + " " + pointsUnit;
    if (r.kind === "red_packet" && amount !== null && amount !== undefined) return money(amount);
    return "";
  }

  var STATUS_CLASS = {pending: "wait", issuing: "wait", issued: "ok", failed: "bad", cancelled: "bad"};

  function renderRewards(list) {
    var ul = $("my-prizes");
    ul.textContent = "";
    if (!list.length) { ul.appendChild(el("li", "muted", T.no_prizes)); return; }
    list.forEach(function (r) {
      var li = el("li", "reward");
      li.setAttribute("data-reward", r.id === undefined ? "" : String(r.id));
      var payload = r.payload || {};
      var name = prizeName(r.prize_key, payload.prize_name ||
        (r.kind === "points" ? pointsUnit : r.kind));
      li.appendChild(el("span", "reward-name", name));
      var status = el("span", "badge badge-" + (STATUS_CLASS[r.status] || "wait"),
        r.refunded ? T.status_refunded : T["status_" + r.status] || r.status);
      li.appendChild(status);
      var result = r.result || r.redemption || {};
      var code = result.code || result.coupon_code;
      if (code) li.appendChild(el("span", "reward-detail", T.redeem_code + ": " + code));
      var label = rewardItemLabel(r, result, payload);
      if (label && label !== name) li.appendChild(el("span", "reward-detail", label));
      ul.appendChild(li);
    });
  }

  function modal(opts) {
    $("modal-icon").textContent = opts.icon || "";
    $("modal-title").textContent = opts.title || "";
    $("modal-body").textContent = opts.body || "";
    $("modal").className = "modal" + (opts.tone ? " modal-" + opts.tone : "");
    $("modal").hidden = false;
    CS.onModalClose = opts.onClose || null;
    $("modal-close").focus();
  }

  var toastTimer = null;
  function toast(text) {
    var node = $("toast");
    node.textContent = text;
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { node.hidden = true; }, 2600);
  }

  function notice(text) {
    var node = $("notice");
    node.textContent = text;
    node.hidden = !text;
  }

  var BLOCKING = {not_eligible: 1, campaign_not_live: 1, invalid_token: 1, not_found: 1};

  function showError(problem) {
    var text = message(problem);
    if (problem instanceof Problem && BLOCKING[problem.code]) notice(text);
    modal({icon: "!", title: text, body: "", tone: "error"});
    document.body.setAttribute("data-last-error", problem && problem.code || "unknown");
    return problem;
  }

  /* What an action earned, as "+20 积分  +1 抽奖机会" (an activity's answer: points, granted). */
  function earned(answer) {
    var parts = [];
    if (answer && answer.points) parts.push("+" + answer.points + " " + pointsUnit);
    var granted = (answer && answer.granted) || {};
    Object.keys(granted).forEach(function (k) { parts.push("+" + granted[k] + " " + kindName(k)); });
    return parts.join("  ");
  }

  /* "+10 到账中" while points this campaign awarded wait for the worker to credit them. */
  function pendingPoints(me) {
    return me && me.points_pending > 0
      ? T.points_pending.replace("{n}", String(me.points_pending)) : "";
  }

  /* Points a rule awarded reach the balance once the worker credits them, a moment later:
   * while /me says some are on the way, ask again a few times, further apart each time. */
  var PENDING_DELAYS = [700, 1200, 2000, 3000, 5000, 8000];
  var pendingTries = 0, pendingTimer = null;
  function followPending(me) {
    clearTimeout(pendingTimer);
    document.body.setAttribute("data-points-pending", String(me.points_pending || 0));
    if (!(me.points_pending > 0)) { pendingTries = 0; return; }
    if (pendingTries >= PENDING_DELAYS.length) return;
    pendingTimer = setTimeout(function () {
      refresh().then(loadRewards).catch(function () { return null; });
    }, PENDING_DELAYS[pendingTries++]);
  }

  function refresh() {
    return request("GET", base + "/me").then(function (raw) {
      var me = normalizeMe(raw);
      CS.me = me;
      renderChances(me);
      followPending(me);
      // a widget's onState may load more (the mall, the tasks): the page is ready once it has
      var drawn = CS.widget && CS.widget.onState ? CS.widget.onState(me) : null;
      return Promise.resolve(drawn).then(function () { return me; });
    });
  }

  function loadRewards() {
    return request("GET", data.api_base + "/me/rewards").then(function (raw) {
      var list = Array.isArray(raw) ? raw : (raw.items || raw.rewards || []);
      list = list.filter(function (r) { return !r.campaign || r.campaign === slug || r.campaign.slug === slug; });
      renderRewards(list);
      return list;
    }).catch(function () { return []; });
  }

  function acceptReferral() {
    var code = store("cs.ref." + slug);
    if (!code || (CS.me && code === CS.me.referral_code)) return null;
    return write(base + "/referrals", {code: code}).then(function () {
      store("cs.ref." + slug, null);
      toast(T.invited_by);
    }, function (problem) {
      store("cs.ref." + slug, null);  // a bad or own code is not worth a second try
      return problem;
    });
  }

  function shareUrl() {
    var code = CS.me && CS.me.referral_code;
    var link = CS.me && CS.me.share_link;
    if (link) return new URL(link, location.origin).href;
    return location.origin + location.pathname + (code ? "?ref=" + encodeURIComponent(code) : "");
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = el("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed"; area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error("copy"));
    });
  }

  /* Share with the phone's share sheet when it has one, else copy the link; then tell the
   * runtime, which decides whether the share earns anything. */
  function share() {
    var url = shareUrl();
    var title = data.lang === "en" && data.name_en ? data.name_en : data.name;
    var shared = navigator.share && !data.preview
      ? navigator.share({title: title, text: data.config.headline || title, url: url})
          .then(function () { return "other"; })
      : copy(url).then(function () { toast(T.copied); return "link"; }, function () {
          modal({title: T.copy_failed, body: url}); return "link";
        });
    return shared.then(function (channel) {
      return write(base + "/share", {share_channel: channel});
    }).then(function (answer) {
      var got = earned(answer);
      toast(got ? T.shared + " " + got : T.shared);
      return after().then(function () { return answer; });
    }).catch(function (problem) {
      if (problem && problem.name === "AbortError") return null;
      showError(problem);
      return null;
    });
  }

  /* A draw answer as the pages use it: `won` is true for every prize, the consolation prize
   * included (docs/api.md); `consolation` marks that one; `label` names the reward. */
  function normalizeDraw(raw) {
    var p = raw.prize || {};
    var key = raw.prize_key || p.key || null;
    var reward = raw.reward || {};
    var amount = reward.amount !== undefined ? reward.amount : null;
    var consolation = raw.consolation !== undefined ? !!raw.consolation
      : !!(prize(key) && prize(key).fallback);
    return {raw: raw, prizeKey: key, won: !!key, consolation: consolation,
            name: prizeName(key, raw.prize_name || p.name), amount: amount,
            label: key ? rewardLabel(key, amount) : ""};
  }

  function draw(kind) {
    var body = {};
    if (kind) body.chance_kind = kind;
    return write(base + "/draw", body).then(normalizeDraw);
  }

  /* Every prize is shown as a prize: a consolation prize too ("您获得 …", its reward),
   * never as "thanks for participating"; only an answer with no prize at all is a miss. */
  function showResult(result) {
    var outcome = !result.won ? "nothing" : (result.consolation ? "consolation" : "prize");
    var body = result.label && result.label !== result.name ? result.label : "";
    if (outcome === "consolation") body = body ? T.consolation + " · " + body : T.consolation;
    modal({icon: outcome === "prize" ? "🎉" : "🍀",
           title: outcome === "nothing" ? T.nothing_won
             : (outcome === "prize" ? T.congrats : T.you_got) + " " + result.name,
           body: body, tone: outcome === "nothing" ? "plain" : "win"});
    document.body.setAttribute("data-last-prize", result.prizeKey || "");
    document.body.setAttribute("data-last-outcome", outcome);
  }

  function after() {
    pendingTries = 0;  // a new action: follow its points afresh
    return refresh().then(loadRewards).catch(showError);
  }

  /* The draw button of a page whose draws are earned by something else (check-ins, invites,
   * votes, badges): a click draws a chance of `kind` (the default kind when null) and shows
   * the result. Returns onState's part: the count of that kind (every kind when null), the
   * button shown while there is one. */
  function drawButton(button, count, kind) {
    button.addEventListener("click", function () {
      button.disabled = true;
      draw(kind).then(showResult).catch(showError).then(function () {
        button.disabled = false;
        return after();
      });
    });
    return function (me) {
      var n = kind ? Number(me.chances[kind]) || 0 : me.chances_total || 0;
      if (count) count.textContent = String(n);
      button.hidden = !(n > 0);
    };
  }

  function start(widget) {
    CS.widget = widget;
    $("modal-close").addEventListener("click", function () {
      $("modal").hidden = true;
      if (CS.onModalClose) { var f = CS.onModalClose; CS.onModalClose = null; f(); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-share]"), function (b) {
      b.addEventListener("click", share);
    });
    token = takeToken();
    if (!data.preview && !token) {
      notice(E.invalid_token);
      document.body.setAttribute("data-state", "blocked");
      return;
    }
    write(base + "/join", {}).then(acceptReferral).then(refresh).then(function () {
      document.body.setAttribute("data-state", "ready");
      return loadRewards();
    }).catch(function (problem) {
      document.body.setAttribute("data-state", "blocked");
      showError(problem);
      if (widget.onBlocked) widget.onBlocked(problem);
    });
  }

  window.CS = {data: data, T: T, E: E, base: base, me: null, start: start, draw: draw,
               share: share, refresh: refresh, after: after, loadRewards: loadRewards,
               write: write, request: request, showError: showError, showResult: showResult,
               modal: modal, toast: toast, notice: notice, message: message, copy: copy,
               shareUrl: shareUrl, prize: prize, prizeName: prizeName, kindName: kindName,
               rewardLabel: rewardLabel, pointsUnit: pointsUnit, earned: earned,
               pendingPoints: pendingPoints, drawButton: drawButton,
               el: el, Problem: Problem};
})();
