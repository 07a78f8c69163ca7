"""validate_bundle / load_bundle: every problem of a bundle at once, with JSON paths."""

from __future__ import annotations

import copy
import math
from typing import Any

from . import catalog
from .bounds import BLOCKING_CODES, sweep
from .limits import MAX_CONDITIONS_TOTAL, MAX_RULES
from .loyalty import badge_keys, check_loyalty
from .problems import BundleError, Problem, join_path
from .rewards import check_reward, normalise_reward
from .schema import load_structure
from .validate_rules import Ctx, Refs, check_actions, check_conditions, check_ref
from .windows import first_opening, minutes, parse_local, zone


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _dicts(value: Any) -> list[tuple[int, dict]]:
    return [(i, v) for i, v in enumerate(_list(value)) if isinstance(v, dict)]


def _section(data: dict, key: str) -> dict:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def validate_bundle(data: Any) -> list[Problem]:
    """Every problem in `data` (structure, types, references, contradictions); [] when valid."""
    swept = sweep(data)
    if any(p.code in BLOCKING_CODES for p in swept):
        return swept  # too deep or not JSON: the checks below must not walk it
    structural = load_structure(data)[1]
    said = {(p.path, p.code) for p in structural}  # the schema's tighter bound says it better
    problems = [p for p in swept if (p.path, f"schema.{p.code}") not in said] + structural
    if isinstance(data, dict):
        ctx = Ctx(trigger="join", refs=_refs(data, problems), problems=problems)
        _check_prizes(data, ctx)
        _check_odds(data, ctx)
        _check_schedule(data, ctx)
        _check_audience(data, ctx)
        _check_rules(data, ctx)
        check_loyalty(data, ctx)
    unique: dict[tuple[str, str, str], Problem] = {}
    for p in problems:
        unique.setdefault((p.path, p.code, p.message), p)
    return list(unique.values())


def load_bundle(data: Any) -> dict[str, Any]:
    """Validated and normalised copy of `data` (defaults filled); raises BundleError."""
    problems = validate_bundle(data)
    if problems:
        raise BundleError(problems)
    bundle, _ = load_structure(copy.deepcopy(data))
    assert bundle is not None
    for prize in bundle["prizes"]:
        prize["reward"] = normalise_reward(prize["reward"])
    for item in (bundle["mall"] or {}).get("items", []):
        for holder in [item, *(item["choices"] or [])]:
            if holder.get("reward") is not None:
                holder["reward"] = normalise_reward(holder["reward"])
    for rule in bundle["rules"]:
        _normalise_conditions(rule["conditions"])
        for action in rule["actions"]:
            spec = catalog.ACTIONS[action["name"]]
            action["params"] = {
                p.name: action["params"].get(p.name, p.default) for p in spec.params
            }
    _normalise_conditions(bundle["audience"]["conditions"])
    return bundle


def _normalise_conditions(cond: Any) -> None:
    if not isinstance(cond, dict):
        return
    for group in ("all", "any"):
        if group in cond:
            for item in cond[group]:
                _normalise_conditions(item)
            return
    cond.setdefault("value", None)


def _duplicates(
    items: list[tuple[int, dict]], key: str, base: str, ctx: Ctx, what_en: str, what_zh: str
) -> set[str]:
    seen: set[str] = set()
    for i, item in items:
        value = item.get(key)
        if not isinstance(value, str):
            continue
        if value in seen:
            ctx.add(
                join_path(join_path(base, i), key),
                f"duplicate_{what_en.replace(' ', '_')}",
                f"Another {what_en} already uses '{value}'.",
                f"{what_zh}编号“{value}”重复。",
            )
        seen.add(value)
    return seen


def _refs(data: dict, problems: list[Problem]) -> Refs:
    ctx = Ctx("join", Refs(), problems)
    schedule = _section(data, "schedule")
    return Refs(
        prizes=_duplicates(_dicts(data.get("prizes")), "key", "prizes", ctx, "prize", "奖品"),
        kinds=_duplicates(
            _dicts(_section(data, "chances").get("kinds")),
            "key",
            "chances.kinds",
            ctx,
            "chance kind",
            "机会类型",
        ),
        windows=_duplicates(
            _dicts(schedule.get("windows")), "id", "schedule.windows", ctx, "window", "时段"
        ),
        badges=set(badge_keys(data)),
    )


def _check_prizes(data: dict, ctx: Ctx) -> None:
    fallbacks = []
    for i, prize in _dicts(data.get("prizes")):
        path = join_path("prizes", i)
        if isinstance(prize.get("reward"), dict):
            for p_path, code, en, zh in check_reward(prize["reward"], join_path(path, "reward")):
                ctx.add(p_path, code, en, zh)
        for j, kind in enumerate(_list(prize.get("chance_kinds"))):
            check_ref(
                kind,
                ctx.refs.kinds,
                join_path(join_path(path, "chance_kinds"), j),
                ctx,
                "chance_kind",
            )
        if prize.get("fallback") is True:
            fallbacks.append(i)
            if prize.get("stock") is not None:
                ctx.add(
                    join_path(path, "stock"),
                    "fallback_limited",
                    "The fallback prize must have unlimited stock (stock: null).",
                    "兜底奖品的库存必须为不限(null)。",
                )
            if prize.get("chance_kinds") is not None:
                ctx.add(
                    join_path(path, "chance_kinds"),
                    "fallback_restricted",
                    "The fallback prize must be available to every chance kind.",
                    "兜底奖品必须适用于所有机会类型。",
                )
    for i in fallbacks[1:]:
        ctx.add(
            join_path(join_path("prizes", i), "fallback"),
            "fallback_count",
            "Only one prize can be the fallback prize.",
            "只能有一个兜底奖品。",
        )
    odds = _section(data, "odds")
    if odds.get("exhausted") == "fallback" and not fallbacks:
        ctx.add(
            "odds.exhausted",
            "fallback_count",
            "'fallback' needs exactly one prize marked as the fallback prize.",
            "选择“转入兜底奖品”时需要恰好一个兜底奖品。",
        )
    default_kind = _section(data, "chances").get("default_kind")
    if isinstance(default_kind, str):
        check_ref(default_kind, ctx.refs.kinds, "chances.default_kind", ctx, "chance_kind")


def _weight(prize: dict) -> float:
    w = prize.get("weight")
    return w if isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w) else 0


def _check_odds(data: dict, ctx: Ctx) -> None:
    prizes = [p for _, p in _dicts(data.get("prizes"))]
    if prizes and sum(_weight(p) for p in prizes) <= 0:
        ctx.add(
            "prizes",
            "odds_zero",
            "Every prize has weight 0, so no draw can win anything.",
            "所有奖品权重均为 0,抽奖无法中奖。",
        )
    elif prizes:
        for i, kind in _dicts(_section(data, "chances").get("kinds")):
            usable = [
                p
                for p in prizes
                if p.get("chance_kinds") is None or kind.get("key") in _list(p.get("chance_kinds"))
            ]
            if sum(_weight(p) for p in usable) <= 0:
                ctx.add(
                    join_path(join_path("chances.kinds", i), "key"),
                    "odds_zero",
                    f"No prize with a weight above 0 can be won with '{kind.get('key')}'.",
                    f"使用“{kind.get('name')}”无法抽中任何奖品。",
                )
    for i, boost in _dicts(_section(data, "odds").get("boosts")):
        path = join_path("odds.boosts", i)
        if isinstance(boost.get("window"), str):
            check_ref(boost["window"], ctx.refs.windows, join_path(path, "window"), ctx, "window")
        for j, key in enumerate(_list(boost.get("prizes"))):
            check_ref(key, ctx.refs.prizes, join_path(join_path(path, "prizes"), j), ctx, "prize")


def _check_schedule(data: dict, ctx: Ctx) -> None:
    schedule = _section(data, "schedule")
    try:
        tz = zone(schedule.get("timezone", "Asia/Shanghai"))
        start = parse_local(schedule["starts_at"], tz)
        end = parse_local(schedule["ends_at"], tz)
    except (KeyError, TypeError, ValueError):
        return  # reported by the schema
    if end <= start:
        ctx.add(
            "schedule.ends_at",
            "ends_before_start",
            "The campaign must end after it starts.",
            "活动结束时间必须晚于开始时间。",
        )
        return
    for i, window in _dicts(schedule.get("windows")):
        path = join_path("schedule.windows", i)
        name = window.get("name") or window.get("id")
        try:
            backwards = _window_end_not_after_start(window, tz)
            opens = None if backwards else first_opening(window, start, end, tz)
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # malformed: reported by the schema
        if backwards:
            ctx.add(
                join_path(path, backwards),
                "window_ends_before_start",
                f"Window '{name}': its end must be after its start.",
                f"时段“{name}”:结束时间须晚于开始时间。",
            )
        elif opens is None:
            ctx.add(
                join_path(path, "id"),
                "window_never_opens",
                f"Window '{name}' never opens while the campaign runs (check its days and the "
                "campaign dates).",
                f"时段“{name}”在活动期间从不开放(请检查日期与活动起止时间)。",
            )


def _window_end_not_after_start(window: dict, tz) -> str | None:
    """The path (below the window) of the end of a window that does not end after it starts:
    a day's hours from 21:00 to 20:00, or a one-off period ending before it begins."""
    if window.get("dates"):
        dates = window["dates"]
        backwards = parse_local(dates["to"], tz) <= parse_local(dates["from"], tz)
        return "dates.to" if backwards else None
    shape = "weekly" if window.get("weekly") else "monthly" if window.get("monthly") else None
    if shape is None:
        return None
    spec = window[shape]
    if minutes(spec.get("end", "24:00")) <= minutes(spec.get("start", "00:00")):
        return f"{shape}.end"
    return None


def _check_audience(data: dict, ctx: Ctx) -> None:
    audience = _section(data, "audience")
    if audience.get("conditions") is not None:
        check_conditions(audience["conditions"], "audience.conditions", ctx)
    if audience.get("whitelist") == []:
        ctx.add(
            "audience.whitelist",
            "empty_whitelist",
            "An empty whitelist lets nobody join; use null for no whitelist.",
            "白名单为空将无人可参加;不限制请设为 null。",
        )
    if isinstance(audience.get("whitelist"), list) and not audience.get("whitelist_channel"):
        ctx.add(
            "audience.whitelist_channel",
            "whitelist_channel_required",
            "Name the channel whose participant ids the whitelist lists (ids are per "
            "channel: the same id in another channel is another person).",
            "请填写白名单所属的渠道(参与者编号按渠道区分)。",
        )
    if audience.get("whitelist") is not None and audience.get("whitelist_ref"):
        ctx.add(
            "audience.whitelist_ref",
            "whitelist_twice",
            "Use either the pasted whitelist or a whitelist from the library, not both.",
            "粘贴的白名单与名单库中的白名单只能选用其一。",
        )


def rule_name(rule: dict, index: int) -> tuple[str, str]:
    """How a message names a rule (en, zh): by the name the marketer gave it, else by its place."""
    given = rule.get("description")
    if isinstance(given, str) and given.strip():
        return f"rule '{given.strip()}'", f"规则“{given.strip()}”"
    return f"rule {index + 1}", f"第 {index + 1} 条规则"


def _check_rules(data: dict, ctx: Ctx) -> None:
    rules = _dicts(data.get("rules"))
    if len(rules) > MAX_RULES:
        return  # refused by the schema; checking each of thousands of rules helps nobody
    _duplicates(rules, "id", "rules", ctx, "rule", "规则")
    total = ctx.leaves  # the audience's conditions, checked first
    for i, rule in rules:
        path = join_path("rules", i)
        trigger = rule.get("trigger")
        if not isinstance(trigger, str) or trigger not in catalog.TRIGGERS:
            ctx.add(
                join_path(path, "trigger"),
                "unknown_trigger",
                f"Unknown trigger '{trigger}'; use one of: {', '.join(catalog.TRIGGERS)}.",
                f"未知触发条件“{trigger}”。",
            )
            continue
        rctx = Ctx(trigger=trigger, refs=ctx.refs, problems=ctx.problems, rule=rule_name(rule, i))
        if rule.get("conditions") is not None:
            check_conditions(rule["conditions"], join_path(path, "conditions"), rctx)
        check_actions(rule.get("actions"), join_path(path, "actions"), rctx)
        total += rctx.leaves
    if total > MAX_CONDITIONS_TOTAL:
        ctx.add(
            "rules",
            "too_many_conditions",
            f"The rules and the audience may have at most {MAX_CONDITIONS_TOTAL:,} "
            f"conditions together (they have {total:,}).",
            f"所有规则与参与条件合计最多 {MAX_CONDITIONS_TOTAL} 个条件。",
        )
