"""Semantic checks of rule conditions and actions against the catalogs (works on raw data)."""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from typing import Any

from . import catalog
from .limits import (
    MAX_ACTION_INTEGER,
    MAX_BOOST_FACTOR,
    MAX_CONDITION_DEPTH,
    MAX_CONDITIONS_PER_RULE,
    MAX_MESSAGE_LENGTH,
)
from .problems import Problem, join_path
from .regex_guard import UnsafeRegex, check_pattern

MAX_DEPTH = MAX_CONDITION_DEPTH
MAX_LEAVES = MAX_CONDITIONS_PER_RULE
_SCALAR = (str, int, float, bool)


@dataclass
class Refs:
    """Names a bundle defines, for reference checks."""

    prizes: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    windows: set[str] = field(default_factory=set)
    badges: set[str] = field(default_factory=set)  # keys of the tasks that award a badge


@dataclass
class Ctx:
    trigger: str
    refs: Refs
    problems: list[Problem]
    leaves: int = 0
    rule: tuple[str, str] = ("this rule", "这条规则")  # how messages name the rule (en, zh)

    def add(self, path: str, code: str, en: str, zh: str) -> None:
        self.problems.append(Problem(path=path, message=en, code=code, message_zh=zh))


def _suggest(name: str, names: Any) -> str:
    close = difflib.get_close_matches(name, list(names), n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


def _suggest_zh(name: str, names: Any) -> str:
    close = difflib.get_close_matches(name, list(names), n=1)
    return f"您是否想用“{close[0]}”?" if close else ""


def check_conditions(cond: Any, path: str, ctx: Ctx, depth: int = 0) -> None:
    """Check a business-rules condition tree; report every problem into ctx."""
    if not isinstance(cond, dict):
        ctx.add(path, "condition_shape", "A condition must be an object.", "条件必须是一个对象。")
        return
    if depth > MAX_DEPTH:
        ctx.add(
            path,
            "too_deep",
            f"Conditions may nest at most {MAX_DEPTH} levels.",
            f"条件最多嵌套 {MAX_DEPTH} 层。",
        )
        return
    keys = set(cond)
    if keys & {"all", "any"}:
        if len(keys) != 1:
            ctx.add(
                path,
                "condition_shape",
                "A group has only 'all' or only 'any', nothing else.",
                "条件组只能包含 all 或 any 之一。",
            )
            return
        (group,) = keys
        items = cond[group]
        gpath = join_path(path, group)
        if not isinstance(items, list) or not items:
            ctx.add(
                gpath,
                "empty_group",
                f"'{group}' needs a list of at least one condition.",
                f"“{group}” 至少需要一个条件。",
            )
            return
        for i, item in enumerate(items):
            check_conditions(item, join_path(gpath, i), ctx, depth + 1)
        return
    _check_leaf(cond, path, ctx)


def _check_leaf(cond: dict, path: str, ctx: Ctx) -> None:
    ctx.leaves += 1
    if ctx.leaves == MAX_LEAVES + 1:
        ctx.add(
            path,
            "too_many_conditions",
            f"A rule may have at most {MAX_LEAVES} conditions.",
            f"一条规则最多 {MAX_LEAVES} 个条件。",
        )
    for extra in sorted(set(cond) - {"name", "operator", "value"}):
        ctx.add(
            join_path(path, extra),
            "unknown_field",
            f"Unknown field '{extra}'.",
            f"无法识别的字段“{extra}”。",
        )
    name = cond.get("name")
    var = catalog.VARIABLES.get(name) if isinstance(name, str) else None
    if var is None:
        known = catalog.VARIABLES if isinstance(name, str) else ()
        ctx.add(
            join_path(path, "name"),
            "unknown_variable",
            f"Unknown variable '{name}'.{_suggest(str(name), known)}",
            f"未知变量“{name}”。{_suggest_zh(str(name), known)}",
        )
        return
    if ctx.trigger not in var.triggers:
        ctx.add(
            join_path(path, "name"),
            "variable_not_for_trigger",
            f"'{name}' is not available when the trigger is '{ctx.trigger}'.",
            f"触发条件为“{ctx.trigger}”时不能使用变量“{var.label_zh}”。",
        )
    ops = catalog.OPERATORS[var.type]
    op = cond.get("operator")
    if not isinstance(op, str) or op not in ops:
        ctx.add(
            join_path(path, "operator"),
            "operator_not_valid",
            f"'{op}' cannot be used with {var.type} variable '{name}'; use one of: "
            f"{', '.join(ops)}.",
            f"运算符“{op}”不适用于变量“{var.label_zh}”。",
        )
        return
    input_type = ops[op]
    if input_type == "none":
        return
    if "value" not in cond:
        ctx.add(
            join_path(path, "value"),
            "missing_value",
            "This condition needs a value.",
            "此条件需要填写比较值。",
        )
        return
    _check_value(var, op, input_type, cond["value"], join_path(path, "value"), ctx)


def _check_value(
    var: catalog.Variable, op: str, input_type: str, value: Any, path: str, ctx: Ctx
) -> None:
    if input_type == "numeric":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            ctx.add(
                path,
                "wrong_value_type",
                f"'{var.name}' is compared with a number.",
                f"“{var.label_zh}”需要与数字比较。",
            )
    elif input_type == "text":
        if not isinstance(value, str):
            ctx.add(
                path,
                "wrong_value_type",
                f"'{var.name}' is compared with text.",
                f"“{var.label_zh}”需要与文本比较。",
            )
        elif op == "matches_regex":
            try:
                check_pattern(value)
            except UnsafeRegex as exc:
                ctx.add(path, "unsafe_regex", str(exc), f"正则表达式不被允许:{exc}")
    elif input_type == "select":
        if not isinstance(value, _SCALAR):
            ctx.add(
                path,
                "wrong_value_type",
                f"'{var.name}' is compared with one option.",
                f"“{var.label_zh}”需要与单个选项比较。",
            )
        else:
            _check_option(var, value, path, ctx)
    else:
        if not isinstance(value, list) or not all(isinstance(v, _SCALAR) for v in value):
            ctx.add(
                path,
                "wrong_value_type",
                f"'{var.name}' is compared with a list of options.",
                f"“{var.label_zh}”需要与选项列表比较。",
            )
            return
        for i, item in enumerate(value):
            _check_option(var, item, join_path(path, i), ctx)


def _check_option(var: catalog.Variable, value: Any, path: str, ctx: Ctx) -> None:
    if var.name == "active_windows":
        if value not in ctx.refs.windows:
            ctx.add(
                path,
                "unknown_window",
                f"No time window has the id '{value}'.",
                f"没有 id 为“{value}”的时段。",
            )
    elif var.name in ("badges", "badge_earned"):
        if value not in ctx.refs.badges:
            ctx.add(
                path,
                "unknown_badge",
                f"No task awards a badge with the key '{value}'.",
                f"没有任务颁发编号为“{value}”的勋章。",
            )
    elif var.options and not var.open_options:
        lowered = {str(o).lower() for o in var.options}
        if not isinstance(value, str) or value.lower() not in lowered:
            ctx.add(
                path,
                "unknown_option",
                f"'{value}' is not an option of '{var.name}'; use one "
                f"of: {', '.join(map(str, var.options))}.",
                f"“{value}”不是“{var.label_zh}”的可选项。",
            )


def check_actions(actions: Any, path: str, ctx: Ctx) -> None:
    """Check each action's name, availability for the trigger and parameters."""
    if not isinstance(actions, list):
        return  # reported by the schema
    for i, action in enumerate(actions):
        apath = join_path(path, i)
        if not isinstance(action, dict):
            continue
        name = action.get("name")
        spec = catalog.ACTIONS.get(name) if isinstance(name, str) else None
        if name is None or (isinstance(name, str) and not name.strip()):
            en, zh = ctx.rule
            ctx.add(
                join_path(apath, "name"),
                "choose_action",
                f"{en[:1].upper()}{en[1:]}: choose what the rule does (an action).",
                f"{zh}:请选择这条规则要做什么(动作)。",
            )
            continue
        if spec is None:
            known = catalog.ACTIONS if isinstance(name, str) else ()
            ctx.add(
                join_path(apath, "name"),
                "unknown_action",
                f"Unknown action '{name}'.{_suggest(str(name), known)}",
                f"未知动作“{name}”。{_suggest_zh(str(name), known)}",
            )
            continue
        if ctx.trigger not in spec.triggers:
            ctx.add(
                join_path(apath, "name"),
                "action_not_for_trigger",
                f"'{name}' cannot be used when the trigger is '{ctx.trigger}'.",
                f"触发条件为“{ctx.trigger}”时不能使用动作“{spec.label_zh}”。",
            )
        params = action.get("params") or {}
        if isinstance(params, dict):
            _check_params(spec, params, join_path(apath, "params"), ctx)


def _check_params(spec: catalog.Action, params: dict, path: str, ctx: Ctx) -> None:
    for key in params:
        if key not in spec.param_map:
            ctx.add(
                join_path(path, key),
                "unknown_param",
                f"'{spec.name}' has no parameter '{key}'.{_suggest(key, spec.param_map)}",
                f"动作“{spec.label_zh}”没有参数“{key}”。",
            )
    for param in spec.params:
        ppath = join_path(path, param.name)
        if param.name not in params:
            if param.required:
                ctx.add(
                    ppath,
                    "missing_param",
                    f"'{spec.name}' needs '{param.name}'.",
                    f"动作“{spec.label_zh}”缺少参数“{param.label_zh}”。",
                )
            continue
        _check_param(param, params[param.name], ppath, ctx)


def _bad_param(param: catalog.Param, path: str, ctx: Ctx, en: str, zh: str) -> None:
    ctx.add(path, "param_type", f"'{param.name}' {en}", f"“{param.label_zh}”{zh}")


def _check_param(param: catalog.Param, value: Any, path: str, ctx: Ctx) -> None:
    kind = param.type
    if kind == "integer":
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (1 <= value <= MAX_ACTION_INTEGER)
        ):
            _bad_param(
                param,
                path,
                ctx,
                f"must be a whole number from 1 to {MAX_ACTION_INTEGER:,}.",
                f"必须是 1 到 {MAX_ACTION_INTEGER} 之间的整数。",
            )
    elif kind == "number":
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (math.isfinite(value) and 0 < value <= MAX_BOOST_FACTOR)
        ):
            _bad_param(
                param,
                path,
                ctx,
                f"must be a number above 0 and at most {MAX_BOOST_FACTOR:,}.",
                f"必须是大于 0 且不超过 {MAX_BOOST_FACTOR} 的数字。",
            )
    elif kind == "text":
        if not isinstance(value, str) or (param.required and not value.strip()):
            _bad_param(param, path, ctx, "must be non-empty text.", "必须是非空文本。")
        elif len(value) > MAX_MESSAGE_LENGTH:
            _bad_param(
                param,
                path,
                ctx,
                f"must be at most {MAX_MESSAGE_LENGTH} characters.",
                f"最多 {MAX_MESSAGE_LENGTH} 个字符。",
            )
    elif kind == "prizes":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            _bad_param(param, path, ctx, "must be a list of prize keys.", "必须是奖品列表。")
            return
        for i, key in enumerate(value):
            _check_ref(key, ctx.refs.prizes, join_path(path, i), ctx, "prize")
    elif not isinstance(value, str):
        _bad_param(param, path, ctx, "must be a key.", "必须是一个编号。")
    else:
        refs = ctx.refs.prizes if kind == "prize" else ctx.refs.kinds
        _check_ref(value, refs, path, ctx, kind)


_REF_TEXT = {
    "prize": ("prize", "奖品", "unknown_prize"),
    "chance_kind": ("chance kind", "机会类型", "unknown_chance_kind"),
    "window": ("time window", "时段", "unknown_window"),
}


def _check_ref(value: Any, known: set[str], path: str, ctx: Ctx, what: str) -> None:
    if not isinstance(value, str) or value not in known:  # a list is not hashable
        en, zh, code = _REF_TEXT[what]
        ctx.add(
            path,
            code,
            f"No {en} has the key '{value}'.{_suggest(str(value), known)}",
            f"没有编号为“{value}”的{zh}。",
        )


def check_ref(value: Any, known: set[str], path: str, ctx: Ctx, what: str) -> None:
    """Report `value` if it is not one of `known` (what: prize, chance_kind or window)."""
    _check_ref(value, known, path, ctx, what)
