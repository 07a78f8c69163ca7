"""Rules: for each trigger, rules made of a condition tree (the query builder) and actions with
typed parameters. The page script edits a model the server converts, validates through `rules`
and maps problems back to (rule, part) so each shows next to what it concerns."""

from __future__ import annotations

import re
from typing import Any

from builder.editor import querybuilder
from builder.editor.base import EditContext, EditorForm, Section, next_key
from builder.editor.fields import JSONModelField
from builder.i18n import N_, lazy, translate
from rules import catalog

_RULE_PATH = re.compile(r"^rules\[(\d+)\](?:\.(\w+))?")


class RulesSection(Section):
    key = "rules"
    title = N_("Rules")
    help = N_(
        "When something happens (join, draw, share...), if the conditions hold, do the actions."
    )
    template = "rules"
    prefixes = ("rules",)

    def form_class(self, ctx: EditContext):
        class RulesForm(EditorForm):
            rules = JSONModelField(lazy("Rules"))

        return RulesForm

    def form_data(self, bundle: dict[str, Any], ctx: EditContext) -> dict[str, Any]:
        return {"rules": [rule_model(rule) for rule in bundle.get("rules") or []]}

    def apply(self, data: dict[str, Any], bundle: dict[str, Any], ctx: EditContext) -> None:
        models = data["rules"] if isinstance(data["rules"], list) else []
        taken = {m.get("id") for m in models if isinstance(m, dict) and m.get("id")}
        rules = []
        for model in models:
            if not isinstance(model, dict):
                rules.append(model)
                continue
            if not model.get("id"):
                model["id"] = next_key("rule", taken)
                taken.add(model["id"])
            rules.append(rule_from_model(model))
        bundle["rules"] = rules

    def field_for(self, path: str, bundle: dict[str, Any]) -> str | None:
        return "rules" if path.startswith("rules") else None

    def summary(self, bundle: dict[str, Any], ctx: EditContext) -> str:
        rules = bundle.get("rules") or []
        if not rules:
            return translate("No rules.")
        by_trigger: dict[str, int] = {}
        for rule in rules:
            by_trigger[rule["trigger"]] = by_trigger.get(rule["trigger"], 0) + 1
        return ", ".join(
            f"{ctx.pick(*catalog.TRIGGERS.get(t, (t, t)))} × {n}" for t, n in by_trigger.items()
        )


def rule_model(rule: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": rule["id"],
        "description": rule.get("description") or "",
        "trigger": rule["trigger"],
        "conditions": querybuilder.to_querybuilder(rule.get("conditions")),
        "actions": [
            {"name": a["name"], "params": dict(a.get("params") or {})} for a in rule["actions"]
        ],
    }


def rule_from_model(model: dict[str, Any]) -> dict[str, Any]:
    actions = []
    for action in model.get("actions") or []:
        if isinstance(action, dict):
            actions.append({"name": action.get("name"), "params": params(action)})
        else:
            actions.append(action)
    if not actions:  # every action row removed: the save asks what the rule does
        actions.append({"name": "", "params": {}})
    return {
        "id": model["id"],
        "trigger": model.get("trigger"),
        "description": (model.get("description") or "").strip() or None,
        "conditions": querybuilder.from_querybuilder(model.get("conditions")),
        "actions": actions,
    }


def params(action: dict[str, Any]) -> dict[str, Any]:
    """Parameters as the page sent them, numbers as numbers where the catalogue wants numbers."""
    spec = catalog.ACTIONS.get(action.get("name"))
    values = action.get("params") if isinstance(action.get("params"), dict) else {}
    if spec is None:
        return values
    out = {}
    for param in spec.params:
        if param.name not in values:
            continue
        value = values[param.name]
        if param.type in ("integer", "number") and isinstance(value, str):
            try:
                number = float(value.strip().replace(",", "").replace("，", ""))
                value = int(number) if param.type == "integer" and number.is_integer() else number
            except ValueError:
                pass
        if value in ("", None, []) and not param.required:
            continue
        out[param.name] = value
    for key in values:
        if key not in out and key not in spec.param_map:
            out[key] = values[key]
    return out


def problem_targets(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Problems of the rules section with the rule index and the part they concern."""
    out = []
    for problem in problems:
        match = _RULE_PATH.match(problem["path"])
        if match:
            index, part = match.groups()
            rest = problem["path"][match.end() :]
            out.append({**problem, "rule": int(index), "part": part or "", "rest": rest})
    return out


def builder_config(ctx: EditContext) -> dict[str, Any]:
    """What the page script needs: triggers, filters per trigger, operators, actions, names."""
    choices = {
        "active_windows": ctx.windows(),
        "badges": ctx.badges(),
        "badge_earned": ctx.badges(),
    }
    triggers = [{"key": k, "label": ctx.pick(zh, en)} for k, (zh, en) in catalog.TRIGGERS.items()]
    return {
        "lang": ctx.lang,
        "triggers": triggers,
        "filters": {t: querybuilder.filters(t, ctx.lang, choices) for t in catalog.TRIGGERS},
        "operators": querybuilder.operators(),
        "operator_labels": querybuilder.operator_labels(ctx.lang),
        "actions": [
            {
                "name": a.name,
                "label": ctx.pick(a.label_zh, a.label_en),
                "triggers": sorted(a.triggers),
                "params": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "label": ctx.pick(p.label_zh, p.label_en),
                        "required": p.required,
                    }
                    for p in a.params
                ],
            }
            for a in catalog.ACTIONS.values()
        ],
        "managed": managed_rules(ctx),
        "prizes": [{"value": k, "label": v} for k, v in ctx.prizes()],
        "kinds": [{"value": k, "label": v} for k, v in ctx.kinds()],
        "windows": [{"value": k, "label": v} for k, v in ctx.windows()],
    }


def managed_rules(ctx: EditContext) -> dict[str, dict[str, Any]]:
    """Rules the widget's settings generate: shown as sentences, changed in widget settings."""
    import widgets
    from builder.describe import bundle_names, rule_sentence

    try:
        widget = widgets.get(ctx.bundle["widget"]["type"])
    except (KeyError, TypeError):
        return {}
    names = bundle_names(ctx.bundle, ctx.lang)
    labels = {f["name"]: ctx.pick(f["label_zh"], f["label_en"]) for f in widget.form_fields()}
    out = {}
    for rule in ctx.bundle.get("rules") or []:
        settings = widget.managed_rule_settings.get(rule.get("id"))
        if settings is None:
            continue
        out[rule["id"]] = {
            "sentence": rule_sentence(rule, ctx.lang, names),
            "settings": [labels.get(name, name) for name in settings],
        }
    return out
