/* The visual rule builder and the audience conditions.
 *
 * Conditions are edited with jQuery QueryBuilder (filters and operators from the rule catalogue,
 * sent by the server in #builder-config); actions are rows of a select and typed parameters,
 * where prizes, chance kinds and windows are this campaign's own. On submit the page writes the
 * models into the hidden fields; the server converts, validates through `rules`, and sends back
 * problems with the rule and part they concern (#rule-problems), shown next to that part.
 */
(function ($) {
  "use strict";
  var configNode = document.getElementById("builder-config");
  if (!configNode) return;
  /* QueryBuilder parses its templates with $.parseHTML(html) and no context, for which jQuery
   * makes a document with a <base href>: the studio's policy (base-uri 'none') refuses and
   * reports it. A context of our own, an inert document without <base>, parses the same. */
  var inert = document.implementation.createHTMLDocument("");
  var parseHTML = $.parseHTML;
  $.parseHTML = function (data, context, keepScripts) {
    if (typeof context === "boolean") { keepScripts = context; context = null; }
    return parseHTML.call(this, data, context || inert, keepScripts);
  };
  var config = JSON.parse(configNode.textContent);
  var problems = JSON.parse((document.getElementById("rule-problems") || {}).textContent || "[]");
  var zh = config.lang === "zh";
  var form = document.getElementById("section-form");
  var labels = zh ? {pick: "请选择", none: "无", choose: "请选择动作"}
                  : {pick: "Choose…", none: "None", choose: "Choose an action"};
  /* the query builder's buttons add a condition or a group, not a rule (the section's own
   * "+ 添加规则" adds a whole rule), and its empty row asks for a condition */
  var qbWords = zh ? {add_rule: "添加条件", placeholder: "请选择条件"}
                   : {add_rule: "Add condition", placeholder: "Choose a condition"};

  var icons = {
    add_group: "fa fa-plus-square", add_rule: "fa fa-plus", remove_group: "fa fa-times",
    remove_rule: "fa fa-times", error: "fa fa-exclamation-triangle"
  };

  function fieldsOf(trigger) { return config.filters[trigger] || []; }

  function keepKnown(model, known) {
    if (!model) return null;
    if (model.condition) {
      var rules = (model.rules || []).map(function (r) { return keepKnown(r, known); })
        .filter(function (r) { return r !== null; });
      return {condition: model.condition, rules: rules};
    }
    return known[model.id] ? model : null;
  }

  function buildQuery($host, trigger, model) {
    if ($host.data("queryBuilder")) $host.queryBuilder("destroy");
    var filters = fieldsOf(trigger);
    var known = {};
    filters.forEach(function (f) { known[f.id] = true; });
    model = keepKnown(model, known);
    $host.queryBuilder({
      filters: filters,
      operators: config.operators,
      lang_code: zh ? "zh-CN" : "en",
      lang: {operators: config.operator_labels, add_rule: qbWords.add_rule},
      select_placeholder: qbWords.placeholder,
      icons: icons,
      allow_empty: true,
      rules: model && model.rules && model.rules.length ? model : null
    });
  }

  function readQuery($host) {
    var model = $host.queryBuilder("getRules", {allow_invalid: true, skip_empty: true});
    if (!model || !model.rules || !model.rules.length) return null;
    return model;
  }

  function option(value, label, selected) {
    var node = document.createElement("option");
    node.value = value;
    node.textContent = label;
    if (selected) node.selected = true;
    return node;
  }

  /* ---- audience: one query builder over the join trigger ---- */
  document.querySelectorAll(".qb-host").forEach(function (host) {
    var input = document.getElementById(host.getAttribute("data-qb-for"));
    var $host = $(host);
    buildQuery($host, host.getAttribute("data-trigger"), JSON.parse(input.value || "null"));
    form.addEventListener("submit", function () {
      input.value = JSON.stringify(readQuery($host));
    });
  });

  /* ---- rules ---- */
  var list = document.getElementById("rule-list");
  if (!list) return;
  var hidden = document.getElementById(list.getAttribute("data-rules-for"));
  var ruleTemplate = document.getElementById("rule-template");
  var actionTemplate = document.getElementById("action-template");

  function paramInput(param, value) {
    var wrap = document.createElement("div");
    wrap.className = "form-group col mb-1";
    var label = document.createElement("label");
    label.className = "small mb-0";
    label.textContent = param.label;
    wrap.appendChild(label);
    var input;
    var choices = {prize: config.prizes, prizes: config.prizes, chance_kind: config.kinds};
    if (param.type === "prizes") {
      input = document.createElement("div");
      (choices.prizes || []).forEach(function (c) {
        var id = "p" + Math.random().toString(36).slice(2);
        var box = document.createElement("div");
        box.className = "form-check form-check-inline";
        box.innerHTML = '<input class="form-check-input" type="checkbox"><label class="form-check-label"></label>';
        var cb = box.querySelector("input");
        cb.id = id; cb.value = c.value;
        cb.checked = Array.isArray(value) && value.indexOf(c.value) !== -1;
        box.querySelector("label").htmlFor = id;
        box.querySelector("label").textContent = c.label;
        input.appendChild(box);
      });
    } else if (choices[param.type]) {
      input = document.createElement("select");
      input.className = "form-control form-control-sm";
      /* a campaign with one kind of chance: that kind, without asking */
      var only = param.type === "chance_kind" && choices[param.type].length === 1 && !value;
      input.appendChild(option("", labels.pick, !value && !only));
      choices[param.type].forEach(function (c) {
        input.appendChild(option(c.value, c.label, c.value === value || only));
      });
    } else {
      input = document.createElement("input");
      input.className = "form-control form-control-sm";
      input.type = param.type === "text" ? "text" : "number";
      if (param.type === "integer") input.step = "1";
      if (param.type === "number") input.step = "any";
      if (value !== undefined && value !== null) input.value = value;
    }
    input.setAttribute("data-param", param.name);
    input.setAttribute("data-param-type", param.type);
    input.setAttribute("aria-label", param.label);
    wrap.appendChild(input);
    return wrap;
  }

  function actionSpec(name) {
    return config.actions.filter(function (a) { return a.name === name; })[0];
  }

  function fillActions(select, trigger, current) {
    select.innerHTML = "";
    select.appendChild(option("", labels.choose, !current));
    config.actions.forEach(function (a) {
      if (a.triggers.indexOf(trigger) !== -1 || a.name === current) {
        select.appendChild(option(a.name, a.label, a.name === current));
      }
    });
  }

  function addAction(card, action) {
    var row = actionTemplate.content.firstElementChild.cloneNode(true);
    var select = row.querySelector(".cs-action-name");
    var params = row.querySelector(".cs-action-params");
    fillActions(select, card.querySelector(".cs-rule-trigger").value, action && action.name);
    function drawParams(values) {
      params.innerHTML = "";
      var spec = actionSpec(select.value);
      (spec ? spec.params : []).forEach(function (p) {
        params.appendChild(paramInput(p, values ? values[p.name] : undefined));
      });
    }
    select.addEventListener("change", function () { drawParams(null); });
    row.querySelector(".cs-action-remove").addEventListener("click", function () { row.remove(); });
    drawParams(action ? action.params : null);
    card.querySelector(".cs-rule-actions").appendChild(row);
    return row;
  }

  function addManagedRule(model, managed) {
    var card = document.createElement("div");
    card.className = "card mb-3 cs-rule-card cs-rule-managed bg-light";
    card.setAttribute("data-rule-id", model.id);
    card.setAttribute("data-managed", "1");
    var body = document.createElement("div");
    body.className = "card-body";
    var sentence = document.createElement("div");
    sentence.className = "font-weight-bold";
    sentence.textContent = managed.sentence;
    var note = document.createElement("a");
    note.className = "small";
    note.href = list.getAttribute("data-widget-url");
    note.textContent = (zh ? "由组件设置生成,请在“组件设置”中修改:" :
      "Set by the widget settings; change it there: ") + managed.settings.join(zh ? "、" : ", ");
    var errors = document.createElement("div");
    errors.className = "cs-rule-errors text-danger small";
    body.appendChild(sentence); body.appendChild(note); body.appendChild(errors);
    card.appendChild(body);
    card._model = model;
    list.appendChild(card);
    return card;
  }

  function addRule(model) {
    var managed = model.id && config.managed[model.id];
    if (managed) return addManagedRule(model, managed);
    var card = ruleTemplate.content.firstElementChild.cloneNode(true);
    card.setAttribute("data-rule-id", model.id || "");
    var trigger = card.querySelector(".cs-rule-trigger");
    config.triggers.forEach(function (t) {
      trigger.appendChild(option(t.key, t.label, t.key === model.trigger));
    });
    card.querySelector(".cs-rule-description").value = model.description || "";
    list.appendChild(card);
    var $host = $(card.querySelector(".cs-rule-conditions"));
    buildQuery($host, trigger.value, model.conditions);
    trigger.addEventListener("change", function () {
      buildQuery($host, trigger.value, readQuery($host));
      card.querySelectorAll(".cs-action-name").forEach(function (select) {
        fillActions(select, trigger.value, select.value);
      });
    });
    (model.actions || []).forEach(function (a) { addAction(card, a); });
    if (!(model.actions || []).length) addAction(card, null);
    card.querySelector(".cs-rule-add-action").addEventListener("click", function () {
      addAction(card, null);
    });
    card.querySelector(".cs-rule-remove").addEventListener("click", function () { card.remove(); });
    return card;
  }

  function readParams(row) {
    var out = {};
    row.querySelectorAll("[data-param]").forEach(function (input) {
      var name = input.getAttribute("data-param");
      var type = input.getAttribute("data-param-type");
      if (type === "prizes") {
        out[name] = Array.prototype.slice.call(input.querySelectorAll("input:checked"))
          .map(function (cb) { return cb.value; });
        return;
      }
      var value = input.value;
      if (value === "") return;
      out[name] = (type === "integer" || type === "number") ? Number(value) : value;
    });
    return out;
  }

  function readRule(card) {
    if (card._model) return card._model;
    return {
      id: card.getAttribute("data-rule-id") || null,
      trigger: card.querySelector(".cs-rule-trigger").value,
      description: card.querySelector(".cs-rule-description").value,
      conditions: readQuery($(card.querySelector(".cs-rule-conditions"))),
      actions: Array.prototype.slice.call(card.querySelectorAll(".cs-action-row")).map(function (row) {
        return {name: row.querySelector(".cs-action-name").value, params: readParams(row)};
      })
    };
  }

  JSON.parse(hidden.value || "[]").forEach(addRule);
  document.getElementById("add-rule").addEventListener("click", function () {
    var first = config.triggers[0].key;
    addRule({trigger: first, actions: []}).scrollIntoView({behavior: "smooth"});
  });
  form.addEventListener("submit", function () {
    var cards = list.querySelectorAll(".cs-rule-card");
    hidden.value = JSON.stringify(Array.prototype.slice.call(cards).map(readRule));
  });

  /* problems from the server, next to the rule and the part they concern */
  var cards = list.querySelectorAll(".cs-rule-card");
  problems.forEach(function (p) {
    var card = cards[p.rule];
    if (!card) return;
    card.classList.add("border-danger");
    var target = card.querySelector(".cs-rule-errors");
    var match = /^\[(\d+)\]/.exec(p.rest || "");
    if (p.part === "actions" && match) {
      var row = card.querySelectorAll(".cs-action-row")[Number(match[1])];
      if (row) target = row.querySelector(".cs-action-errors");
    }
    var line = document.createElement("div");
    line.textContent = p.message;
    line.setAttribute("data-rule-problem", p.path);
    target.appendChild(line);
  });
})(window.jQuery);
