"""Compile validated business-rules conditions into plain closures with identical results.

Each operator mirrors business_rules.operators exactly: numeric comparisons use Decimal with the
same EPSILON (small integers take an exact integer shortcut that gives the same answer), select
comparisons are case-insensitive only when both sides are text, missing values take the type's
default. Deliberate difference: matches_regex runs on RE2 (linear time, the whole value, never
cut), whose \\d \\w \\s \\b are ASCII-only and whose `$` matches only at the very end of the
value (Python's also before a final newline); see docs/rules.md.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from business_rules.operators import NumericType

from . import catalog
from .regex_guard import compile_re2
from .values import VariableTypeError

Pred = Callable[[dict[str, Any]], Any]
EPS = NumericType.EPSILON
_SMALL = 10**18


def _dec(value: Any, name: str) -> Decimal:
    if isinstance(value, float | int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value
    raise VariableTypeError(f"variable {name!r}: {value!r} is not a number")


_NUMERIC_DEC: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "equal_to": lambda d, c: abs(d - c) <= EPS,
    "greater_than": lambda d, c: (d - c) > EPS,
    "greater_than_or_equal_to": lambda d, c: (d - c) > EPS or abs(d - c) <= EPS,
    "less_than": lambda d, c: (c - d) > EPS,
    "less_than_or_equal_to": lambda d, c: (c - d) > EPS or abs(d - c) <= EPS,
}
_NUMERIC_INT: dict[str, Callable[[int, int], bool]] = {
    "equal_to": int.__eq__,
    "greater_than": int.__gt__,
    "greater_than_or_equal_to": int.__ge__,
    "less_than": int.__lt__,
    "less_than_or_equal_to": int.__le__,
}


def _numeric(name: str, op: str, const: Any) -> Pred:
    dec_op, cdec = _NUMERIC_DEC[op], Decimal(const)
    if type(const) is int and -_SMALL < const < _SMALL:
        int_op = _NUMERIC_INT[op]

        def numeric_int(vs: dict[str, Any]) -> bool:
            v = vs.get(name)
            if v is None:
                v = 0
            if type(v) is int and -_SMALL < v < _SMALL:
                return int_op(v, const)
            return dec_op(_dec(v, name), cdec)

        return numeric_int

    def numeric(vs: dict[str, Any]) -> bool:
        v = vs.get(name)
        return dec_op(_dec(0 if v is None else v, name), cdec)

    return numeric


def _string(name: str, op: str, const: Any) -> Pred:
    c = const or ""
    if op == "equal_to":
        test: Callable[[str], Any] = c.__eq__
    elif op == "equal_to_case_insensitive":
        cl = c.lower()

        def test(s: str) -> bool:
            return s.lower() == cl
    elif op == "starts_with":

        def test(s: str) -> bool:
            return s.startswith(c)
    elif op == "ends_with":

        def test(s: str) -> bool:
            return s.endswith(c)
    elif op == "contains":

        def test(s: str) -> bool:
            return c in s
    elif op == "matches_regex":
        search = compile_re2(c).search

        def test(s: str) -> bool:
            return search(s) is not None
    else:  # non_empty
        test = bool

    def string(vs: dict[str, Any]) -> Any:
        s = vs.get(name) or ""
        if not isinstance(s, str):
            raise VariableTypeError(f"variable {name!r}: {s!r} is not text")
        return test(s)

    return string


def _boolean(name: str, op: str) -> Pred:
    want = op == "is_true"

    def boolean(vs: dict[str, Any]) -> bool:
        v = vs.get(name)
        if v is None:
            v = False
        if type(v) is not bool:
            raise VariableTypeError(f"variable {name!r}: {v!r} is not true/false")
        return v is want

    return boolean


def contains(items: Any, other: Any) -> bool:
    """business-rules SelectType.contains: case-insensitive only when both sides are text."""
    if isinstance(other, str):
        low = other.lower()
        for item in items:
            if item.lower() == low if isinstance(item, str) else item == other:
                return True
        return False
    return any(item == other for item in items)


def _select_value(vs: dict[str, Any], name: str) -> Any:
    v = vs.get(name)
    if v is None:
        return ()
    if isinstance(v, str):
        return (v,)
    if not hasattr(v, "__iter__"):
        raise VariableTypeError(f"variable {name!r}: {v!r} is not a list")
    return v


def _lowered(items: Any) -> set[str]:
    """Lower-cased text items: for text operands, SelectType.contains is membership in this."""
    return {i.lower() for i in items if isinstance(i, str)}


def _select(name: str, op: str, const: Any) -> Pred:
    if op in ("contains", "does_not_contain"):
        negate = op == "does_not_contain"
        if isinstance(const, str):
            low = const.lower()

            def contains_text(vs: dict[str, Any]) -> bool:
                return (low in _lowered(_select_value(vs, name))) is not negate

            return contains_text
        return lambda vs: contains(_select_value(vs, name), const) is not negate
    others = list(const)
    if all(isinstance(o, str) for o in others):
        return _select_multiple_text(name, op, [o.lower() for o in others])
    return _select_multiple(name, op, others)


def _select_multiple_text(name: str, op: str, lows: list[str]) -> Pred:
    """select_multiple operators when every operand is text: set membership, same answers."""
    if op == "is_contained_by":
        allowed = set(lows)
        return lambda vs: all(
            isinstance(x, str) and x.lower() in allowed for x in _select_value(vs, name)
        )
    if op == "contains_all":

        def contains_all(vs: dict[str, Any]) -> bool:
            have = _lowered(_select_value(vs, name))
            return all(o in have for o in lows)

        return contains_all
    if op == "shares_at_least_one_element_with":
        return lambda vs: not _lowered(_select_value(vs, name)).isdisjoint(lows)
    if op == "shares_no_elements_with":
        return lambda vs: _lowered(_select_value(vs, name)).isdisjoint(lows)

    def exactly_one(vs: dict[str, Any]) -> bool:
        have = _lowered(_select_value(vs, name))
        return sum(o in have for o in lows) == 1

    return exactly_one


def _select_multiple(name: str, op: str, others: list[Any]) -> Pred:
    if op == "contains_all":
        return lambda vs: all(contains(_select_value(vs, name), o) for o in others)
    if op == "is_contained_by":
        return lambda vs: all(contains(others, x) for x in _select_value(vs, name))
    if op == "shares_at_least_one_element_with":
        return lambda vs: any(contains(_select_value(vs, name), o) for o in others)
    if op == "shares_no_elements_with":
        return lambda vs: not any(contains(_select_value(vs, name), o) for o in others)

    def exactly_one(vs: dict[str, Any]) -> bool:
        items, found = _select_value(vs, name), False
        for o in others:
            if contains(items, o):
                if found:
                    return False
                found = True
        return found

    return exactly_one


class UnknownOperator(ValueError):
    """An operator the variable's type does not have: business-rules would fail on it, and the
    branches below would quietly read it as their last case (non_empty, is_false, ...)."""


def compile_leaf(cond: dict[str, Any]) -> Pred:
    """One validated condition {name, operator, value} as a closure over the variables dict."""
    name, op, value = cond["name"], cond["operator"], cond.get("value")
    vtype = catalog.VARIABLES[name].type
    if op not in catalog.OPERATORS[vtype]:
        raise UnknownOperator(f"{op!r} is not an operator of {vtype} variable {name!r}")
    if vtype == catalog.NUMERIC:
        return _numeric(name, op, value)
    if vtype == catalog.STRING:
        return _string(name, op, value)
    if vtype == catalog.BOOLEAN:
        return _boolean(name, op)
    return _select(name, op, value)


def _all(preds: list[Pred]) -> Pred:
    def all_of(vs: dict[str, Any]) -> bool:
        for pred in preds:
            if not pred(vs):
                return False
        return True

    return all_of


def _any(preds: list[Pred]) -> Pred:
    def any_of(vs: dict[str, Any]) -> bool:
        for pred in preds:
            if pred(vs):
                return True
        return False

    return any_of


def compile_conditions(cond: dict[str, Any]) -> Pred:
    """A validated condition tree as one closure."""
    if "all" in cond:
        preds = [compile_conditions(c) for c in cond["all"]]
        return preds[0] if len(preds) == 1 else _all(preds)
    if "any" in cond:
        preds = [compile_conditions(c) for c in cond["any"]]
        return preds[0] if len(preds) == 1 else _any(preds)
    return compile_leaf(cond)


def explain(cond: dict[str, Any], vs: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """The leaf conditions that made `cond` false ([] when it holds), JSON-serialisable."""
    for group in ("all", "any"):
        if group in cond:
            failures: list[dict[str, Any]] = []
            for i, child in enumerate(cond[group]):
                child_fail = explain(child, vs, f"{path}.{group}[{i}]")
                if group == "all" and child_fail:
                    return child_fail
                if group == "any" and not child_fail:
                    return []
                failures.extend(child_fail)
            return failures
    if compile_leaf(cond)(vs):
        return []
    actual = vs.get(cond["name"])
    if isinstance(actual, tuple | set | frozenset):
        actual = list(actual)
    return [
        {
            "path": path,
            "name": cond["name"],
            "operator": cond["operator"],
            "value": cond.get("value"),
            "actual": actual,
        }
    ]
