"""marshmallow validators that put the bounds of rules.limits on the bundle schemas' fields,
and the code and Chinese text of each message they raise (rules/schema.py reports them)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from marshmallow import ValidationError, validate

from .bounds import describe_character, forbidden_character
from .limits import MAX_NAME_LENGTH

Validator = Callable[[Any], None]

# English message pattern -> (code, Chinese message with {n} for the bound)
_PATTERNS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^Must be at most ([0-9,]+)\.$"), "range", "不能超过 {n}。"),
    (re.compile(r"^At most ([0-9,]+) items\.$"), "too_many_items", "最多 {n} 项。"),
    (re.compile(r"^At most ([0-9,]+) characters\.$"), "too_long", "最多 {n} 个字符。"),
    (
        re.compile(r"^Must not contain (U\+[0-9A-F]+)"),
        "forbidden_character",
        "包含不允许的字符 {n}(控制字符或文字方向控制符)。",
    ),
]


def describe(message: str) -> tuple[str, str] | None:
    """(code, Chinese message) for a message raised by these validators, else None."""
    for pattern, code, zh in _PATTERNS:
        found = pattern.match(message)
        if found:
            return code, zh.format(n=found.group(1).replace(",", ""))
    return None


def at_most(limit: int) -> validate.Range:
    """Refuse values above `limit` (marshmallow's own validators, so the JSON Schema generator
    translates them to maximum / maxItems / maxLength)."""
    return validate.Range(max=limit, error=f"Must be at most {limit:,}.")


def max_items(limit: int) -> validate.Length:
    return validate.Length(max=limit, error=f"At most {limit:,} items.")


def max_length(limit: int) -> validate.Length:
    return validate.Length(max=limit, error=f"At most {limit:,} characters.")


# What `one_line` refuses, as a JSON Schema pattern: control characters (category Cc), lone
# surrogates (Cs) and the invisible direction controls of rules.bounds.
ONE_LINE_RE = (
    "^[^\\x00-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ud800-\\udfff]*$"
)


def one_line(value: str) -> None:
    """Names are one line of visible text: no control, layout or bidi-override characters."""
    bad = forbidden_character(value, allow_layout=False)
    if bad is not None:
        raise ValidationError(f"Must not contain {describe_character(bad)}.")


one_line.pattern = ONE_LINE_RE  # type: ignore[attr-defined]  # for the JSON Schema generator


def name(limit: int = MAX_NAME_LENGTH) -> list[Validator]:
    """A name, key or code: at most `limit` characters of one line of visible text."""
    return [max_length(limit), one_line]


def count(lowest: Validator, limit: int) -> list[Validator]:
    """`lowest` (e.g. not negative, at least 1) and at most `limit`."""
    return [lowest, at_most(limit)]
