/* Points mall: the rights with what I may still take, an exchange sheet (choose an option,
 * take parts of a splittable right), and my exchanges with their progress and refunds. The
 * runtime decides every exchange (points, stock, limits) and answers the reason when it
 * refuses; this page only shows it. */
(function () {
  "use strict";
  var CS = window.CS, data = CS.data, T = CS.T, cfg = data.config;
  var unit = CS.pointsUnit;
  var items = {}, state = null, current = null, quantity = 1, choice = null;
  data.mall_items.forEach(function (item) { items[item.key] = item; });
  function $(id) { return document.getElementById(id); }
  function name(o) { return data.lang === "en" && o.name_en ? o.name_en : o.name; }
  function fill(text, n) { return text.replace("{n}", String(n)); }

  function canTake(item, mine) {
    var left = mine.can_take === null || mine.can_take === undefined ? 100 : mine.can_take;
    return Math.min(left, item.max_quantity || 1, Math.floor(state.balance / item.price));
  }

  /* Which limit stops me: today's (back tomorrow) unless the one for the whole campaign is
   * reached too. */
  function limitLabel(item) {
    var forEver = item.per_person_limit && item.mine.total >= item.per_person_limit;
    var today = item.per_day_limit && item.mine.today >= item.per_day_limit;
    return today && !forEver ? T.limit_today : T.limit_hit;
  }

  function render(mall) {
    state = mall;
    $("mall-balance").textContent = String(mall.balance);
    mall.items.forEach(function (item) {
      var li = document.querySelector('[data-item="' + item.key + '"]');
      if (!li) return;
      var stock = li.querySelector("[data-stock]");
      if (stock && item.stock_left !== null) stock.textContent = fill(T.stock_left, item.stock_left);
      var button = li.querySelector("[data-exchange]"), label = T.exchange, blocked = false;
      if (item.stock_left === 0) { label = T.sold_out; blocked = true; }
      else if (item.mine.can_take === 0) { label = limitLabel(item); blocked = true; }
      else if (mall.balance < item.price) { label = T.not_enough; blocked = true; }
      button.textContent = label;
      button.disabled = blocked;
      li.setAttribute("data-blocked", blocked ? label : "");
    });
  }

  function loadMall() {
    return CS.request("GET", CS.base + "/mall").then(render);
  }

  function partLabel(ex) {
    var text = T["ex_" + ex.status] || ex.status;
    if (ex.status === "partly_refunded") {
      text += " · " + fill(T.refunded_points, ex.refunded_points + " " + unit);
    }
    return text;
  }

  var TONE = {issued: "ok", issuing: "wait", refunded: "bad", partly_refunded: "wait", failed: "bad"};

  function renderHistory(list) {
    var ul = $("mall-history");
    ul.textContent = "";
    if (!list.length) { ul.appendChild(CS.el("li", "muted", T.no_history)); return; }
    list.forEach(function (ex) {
      var li = CS.el("li", "exchange");
      li.setAttribute("data-exchange-id", String(ex.exchange_id));
      li.setAttribute("data-status", ex.status);
      li.appendChild(CS.el("span", "reward-name", ex.name + (ex.quantity > 1 ? " × " + ex.quantity : "")));
      li.appendChild(CS.el("span", "badge badge-" + (TONE[ex.status] || "wait"), partLabel(ex)));
      li.appendChild(CS.el("span", "reward-detail", "-" + ex.points + " " + unit));
      ex.parts.forEach(function (part) {
        var code = part.result && (part.result.code || part.result.coupon_code);
        if (code) li.appendChild(CS.el("span", "reward-detail", T.redeem_code + ": " + code));
      });
      ul.appendChild(li);
    });
  }

  function loadHistory() {
    return CS.request("GET", CS.base + "/exchanges").then(function (r) {
      renderHistory(r.exchanges || []);
    });
  }

  function loadTasks() {
    return CS.tasks.load().catch(function () { return null; });
  }

  function showPending(me) {
    var node = $("mall-pending");
    node.textContent = CS.pendingPoints(me);
    node.hidden = !node.textContent;
  }

  function total() {
    return current ? current.price * quantity : 0;
  }

  function drawSheet() {
    $("sheet-title").textContent = name(current);
    var box = $("sheet-choices");
    box.textContent = "";
    (current.choices || []).forEach(function (c) {
      var b = CS.el("button", "choice" + (choice === c.key ? " chosen" : ""), name(c));
      b.type = "button";
      b.setAttribute("role", "radio");
      b.setAttribute("aria-checked", choice === c.key ? "true" : "false");
      b.setAttribute("data-choice", c.key);
      b.addEventListener("click", function () { choice = c.key; drawSheet(); });
      box.appendChild(b);
    });
    box.hidden = !(current.choices || []).length;
    var mine = (state.items.filter(function (i) { return i.key === current.key; })[0] || {}).mine || {};
    var most = Math.max(1, canTake(current, mine));
    $("sheet-quantity").hidden = (current.max_quantity || 1) <= 1;
    $("qty-value").textContent = String(quantity);
    $("qty-minus").disabled = quantity <= 1;
    $("qty-plus").disabled = quantity >= most;
    $("sheet-total").textContent = String(total());
    $("sheet-confirm").disabled = (current.choices || []).length > 0 && !choice;
  }

  function openSheet(key) {
    current = items[key]; quantity = 1; choice = null;
    drawSheet();
    $("mall-sheet").hidden = false;
    $("sheet-confirm").focus();
  }

  function closeSheet() { $("mall-sheet").hidden = true; current = null; }

  function confirm() {
    var item = current, body = {item: item.key};
    if (choice) body.choice = choice;
    if (quantity > 1) body.quantity = quantity;
    $("sheet-confirm").disabled = true;
    closeSheet();
    CS.write(CS.base + "/exchanges", body).then(function (r) {
      document.body.setAttribute("data-last-exchange", String(r.exchange_id));
      CS.modal({icon: "🎁", title: T.exchanged + " · " + r.name,
                body: item.message ? T.arrival + ": " + item.message : T.issuing_note, tone: "win"});
    }).catch(function (p) {
      document.body.setAttribute("data-last-exchange", "");
      if (p && p.code === "limit_reached" && p.body.limit === "per_day") {
        CS.modal({icon: "!", title: T.limit_today_error, body: "", tone: "error"});
        document.body.setAttribute("data-last-error", p.code);
      } else {
        CS.showError(p);
      }
    }).then(function () { $("sheet-confirm").disabled = false; return CS.after(); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-exchange]"), function (b) {
    b.addEventListener("click", function () { openSheet(b.getAttribute("data-exchange")); });
  });
  $("qty-minus").addEventListener("click", function () { quantity = Math.max(1, quantity - 1); drawSheet(); });
  $("qty-plus").addEventListener("click", function () { quantity += 1; drawSheet(); });
  $("sheet-cancel").addEventListener("click", closeSheet);
  $("sheet-confirm").addEventListener("click", confirm);

  CS.start({onState: function (me) {
    showPending(me);
    return Promise.all([loadMall(), loadHistory(), loadTasks()]).catch(CS.showError);
  }});
})();
