"""One truth for what a participant page promises: widget settings that generate rules.

A page shows values from its widget's settings (the check-in bonus, the invite goal, the shovels
a share earns). Where a rule pays that value, the widget generates the rule from the setting
under a rule id it owns (`Widget.managed_rules`), and likewise any limit
(`Widget.managed_limits`). `apply_managed` rewrites a bundle's managed rules and limits from its
settings; `managed_problems` lists every managed rule or limit that disagrees with them, so a
bundle whose page and rules disagree cannot be saved. Pure functions: no Flask, no database.
"""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

from marshmallow import ValidationError

if TYPE_CHECKING:
    from .base import Widget

CODE = "widget.managed"


def apply_managed(bundle: dict[str, Any]) -> dict[str, Any]:
    """A copy of `bundle` whose managed rules and limits are generated from its widget settings.

    A rule with a managed id is replaced where it stands (later rules with the same id are
    dropped); a missing one is inserted after the managed rule that precedes it in the widget's
    order, or first; one the settings no longer generate is removed. A bundle whose widget type
    or settings are invalid is returned unchanged (validation reports those)."""
    out = copy.deepcopy(bundle)
    found = _widget_config(out)
    if found is None:
        return out
    widget, config = found
    if isinstance(out.get("rules"), list):
        out["rules"] = _merged_rules(widget, out["rules"], widget.managed_rules(config))
    limits = widget.managed_limits(config)
    if limits:
        if not isinstance(out.get("limits"), dict):
            out["limits"] = {}
        out["limits"].update(limits)
    return out


def managed_problems(bundle: Any) -> list[dict[str, Any]]:
    """Every managed rule or limit of `bundle` that its widget settings do not generate as it
    stands, and every setting naming a chance kind or prize the campaign lacks.

    Each problem: {path, message, message_zh, code, settings} where `path` is the rule
    (`rules[1]`), `rules` for a missing rule, or the limit, and `settings` the config paths
    that drive it (so the studio can show the message next to the setting too)."""
    found = _widget_config(bundle)
    if found is None:
        return []
    widget, config = found
    problems = _reference_problems(widget, config, bundle)
    rules = bundle.get("rules")
    if isinstance(rules, list):
        problems += _rule_problems(widget, config, rules)
    limits = bundle.get("limits")
    limits = limits if isinstance(limits, dict) else {}
    for name, want in widget.managed_limits(config).items():
        have = limits.get(name)
        if _first_difference(have, want, "") is not None:
            setting = widget.managed_limit_settings[name]
            problems.append(
                _problem(
                    f"limits.{name}",
                    (setting,),
                    f"The limit {name} is {_show(have)} but the widget setting "
                    f"{_settings_en(widget, config, (setting,))} makes it {_show(want)}.",
                    f"限制 {name} 为 {_show(have)},但组件设置"
                    f"{_settings_zh(widget, config, (setting,))}要求为 {_show(want)}。",
                )
            )
    return problems


# -- internals --------------------------------------------------------------------------------


def _widget_config(bundle: Any) -> tuple[Widget, dict[str, Any]] | None:
    from .registry import default_registry

    section = bundle.get("widget") if isinstance(bundle, dict) else None
    key = section.get("type") if isinstance(section, dict) else None
    if not isinstance(key, str) or key not in default_registry():
        return None
    widget = default_registry().get(key)
    config = section.get("config", {})
    if not isinstance(config, dict):
        return None
    try:
        return widget, widget.load_config(config)
    except ValidationError:
        return None


def _rule_id(rule: Any) -> str | None:
    rid = rule.get("id") if isinstance(rule, dict) else None
    return rid if isinstance(rid, str) else None


def _merged_rules(widget: Widget, rules: list[Any], generated: list[dict]) -> list[Any]:
    owned = widget.managed_rule_settings
    wanted = {r["id"]: r for r in generated}
    out: list[Any] = []
    placed: set[str] = set()
    for rule in rules:
        rid = _rule_id(rule)
        if rid not in owned:
            out.append(rule)
        elif rid in wanted and rid not in placed:
            out.append(wanted[rid])
            placed.add(rid)
    for rule in generated:  # the missing ones, in the widget's order
        if rule["id"] in placed:
            continue
        before = [r["id"] for r in generated[: generated.index(rule)] if r["id"] in placed]
        at = 0
        if before:
            at = next(i for i, r in enumerate(out) if _rule_id(r) == before[-1]) + 1
        out.insert(at, rule)
        placed.add(rule["id"])
    return out


def _rule_problems(widget: Widget, config: dict, rules: list[Any]) -> list[dict[str, Any]]:
    owned = widget.managed_rule_settings
    wanted = {r["id"]: r for r in widget.managed_rules(config)}
    problems = []
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        rid = _rule_id(rule)
        if rid not in owned or rid in seen:
            continue  # duplicates are reported by rules validation
        seen.add(rid)
        settings = owned[rid]
        if rid not in wanted:
            problems.append(
                _problem(
                    f"rules[{i}]",
                    settings,
                    f"Rule '{rid}' is generated by the widget settings "
                    f"{_settings_en(widget, config, settings)}, which now generate no such "
                    "rule: remove it.",
                    f"规则“{rid}”由组件设置{_settings_zh(widget, config, settings)}生成,"
                    "按当前设置不应存在,请删除。",
                )
            )
            continue
        difference = _first_difference(_comparable(rule), _comparable(wanted[rid]), "")
        if difference is not None:
            where, have, want = difference
            problems.append(
                _problem(
                    f"rules[{i}]",
                    settings,
                    f"Rule '{rid}' disagrees with the widget settings "
                    f"{_settings_en(widget, config, settings)}: {where or 'the rule'} is "
                    f"{_show(have)} in the rule but {_show(want)} from the settings.",
                    f"规则“{rid}”与组件设置{_settings_zh(widget, config, settings)}不一致:"
                    f"规则中 {where or '规则'} 为 {_show(have)},按设置应为 {_show(want)}。",
                )
            )
    for rid in wanted:
        if rid not in seen:
            settings = owned[rid]
            problems.append(
                _problem(
                    "rules",
                    settings,
                    f"The widget settings {_settings_en(widget, config, settings)} generate "
                    f"rule '{rid}', which is missing.",
                    f"组件设置{_settings_zh(widget, config, settings)}应生成规则“{rid}”,"
                    "但规则中没有。",
                )
            )
    return problems


_REFERENCES = {
    # refers_to -> (bundle section or None for the top level, list of items, names en and zh)
    "chance_kind": ("chances", "kinds", "chance kind", "机会类型"),
    "prize": (None, "prizes", "prize", "奖品"),
}


def _reference_problems(widget: Widget, config: dict, bundle: dict) -> list[dict[str, Any]]:
    """Settings naming a chance kind or a prize that the campaign does not have."""
    problems = []
    for name, field in widget.config_schema().fields.items():
        ref = _REFERENCES.get(field.metadata.get("refers_to"))
        if ref is None:
            continue
        section, items, what_en, what_zh = ref
        holder = bundle.get(section) if section else bundle
        listed = holder.get(items) if isinstance(holder, dict) else None
        items = listed if isinstance(listed, list) else []
        keys = {i["key"] for i in items if isinstance(i, dict) and isinstance(i.get("key"), str)}
        if config.get(name) in keys:
            continue
        label_en, label_zh = _labels(widget, name)
        known = ", ".join(sorted(str(k) for k in keys)) or "none"
        problems.append(
            {
                "path": f"widget.config.{name}",
                "message": f"'{label_en}' names {what_en} {_show(config.get(name))}, which this "
                f"campaign does not have (it has: {known}).",
                "message_zh": f"“{label_zh}”填写的{what_zh} {_show(config.get(name))} "
                "在本活动中不存在。",
                "code": CODE,
                "settings": [f"widget.config.{name}"],
            }
        )
    return problems


def _comparable(rule: Any) -> Any:
    """A rule as rules/ normalises it (action params completed from the catalogue, a condition
    without a value holding None), without its free-text description."""
    from rules import catalog

    if not isinstance(rule, dict):
        return rule
    out = {k: copy.deepcopy(v) for k, v in rule.items() if k != "description"}
    out.setdefault("conditions", None)
    _fill_values(out["conditions"])
    actions = out.get("actions")
    for action in actions if isinstance(actions, list) else []:
        name = action.get("name") if isinstance(action, dict) else None
        spec = catalog.ACTIONS.get(name) if isinstance(name, str) else None
        if spec is not None and isinstance(action.get("params"), dict):
            action["params"] = {
                **{p.name: p.default for p in spec.params if not p.required},
                **action["params"],
            }
    return out


def _fill_values(cond: Any) -> None:
    if not isinstance(cond, dict):
        return
    for group in ("all", "any"):
        if isinstance(cond.get(group), list):
            for item in cond[group]:
                _fill_values(item)
            return
    cond.setdefault("value", None)


def _first_difference(have: Any, want: Any, path: str) -> tuple[str, Any, Any] | None:
    if isinstance(have, dict) and isinstance(want, dict):
        for key in [*want, *(k for k in have if k not in want)]:
            sub = f"{path}.{key}" if path else str(key)
            found = _first_difference(have.get(key), want.get(key), sub)
            if found is not None:
                return found
        return None
    if isinstance(have, list) and isinstance(want, list) and len(have) == len(want):
        for i, (a, b) in enumerate(zip(have, want, strict=True)):
            found = _first_difference(a, b, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    if have == want and isinstance(have, bool) == isinstance(want, bool):
        return None
    return path, have, want


def _labels(widget: Widget, name: str) -> tuple[str, str]:
    meta = widget.config_schema().fields[name].metadata
    return meta.get("label_en", name), meta.get("label_zh", name)


def _settings_en(widget: Widget, config: dict, names: tuple[str, ...]) -> str:
    return ", ".join(f"'{_labels(widget, n)[0]}' = {_show(config.get(n))}" for n in names)


def _settings_zh(widget: Widget, config: dict, names: tuple[str, ...]) -> str:
    return "、".join(f"“{_labels(widget, n)[1]}”= {_show(config.get(n))}" for n in names)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _problem(
    path: str,
    settings: tuple[str, ...],
    message: str,
    message_zh: str,
) -> dict[str, Any]:
    return {
        "path": path,
        "message": message,
        "message_zh": message_zh,
        "code": CODE,
        "settings": [f"widget.config.{n}" for n in settings],
    }
