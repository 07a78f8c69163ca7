"""The whole-document sweep of a bundle: JSON types, depth, sizes, numbers and characters.

Runs before the schemas, without recursion, so a bundle built in code (not read through
rules.json_text) cannot reach the schemas nested 100,000 deep or carrying `inf`, a tuple, a NUL
or a right-to-left override. Field-specific bounds (stock, weight, names, counts of prizes and
rules...) live in the schemas and checks; the numbers come from rules.limits.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator
from typing import Any

from . import limits
from .problems import Problem, join_path

MAX_PROBLEMS = 100  # a sweep reports at most this many problems (the rest are alike)

# Characters that change how text is displayed or read without being visible: bidirectional
# embeddings, overrides and isolates (U+202E turns "gpj.exe" into "exe.jpg"), the Arabic letter
# mark, and left-to-right/right-to-left marks. Control characters and lone surrogates are
# refused by category below.
_INVISIBLE = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LAYOUT = frozenset("\t\n\r")  # allowed in text (descriptions); refused in keys


def forbidden_character(text: str, allow_layout: bool = True) -> str | None:
    """The first character `text` must not contain, or None."""
    for char in text:
        if char in _INVISIBLE:
            return char
        if char in _LAYOUT:
            if allow_layout:
                continue
            return char
        if unicodedata.category(char) in ("Cc", "Cs"):
            return char
    return None


def describe_character(char: str) -> str:
    name = unicodedata.name(char, "control character")
    return f"U+{ord(char):04X} ({name.lower()})"


def _problem(path: str, code: str, en: str, zh: str) -> Problem:
    return Problem(path=path, message=en, code=code, message_zh=zh)


def _check_text(text: str, path: str, is_key: bool) -> Iterator[Problem]:
    limit = limits.MAX_NAME_LENGTH if is_key else limits.MAX_TEXT_LENGTH
    if len(text) > limit:
        yield _problem(
            path,
            "too_long",
            f"Text longer than {limit:,} characters.",
            f"文本不能超过 {limit} 个字符。",
        )
    bad = forbidden_character(text, allow_layout=not is_key)
    if bad is not None:
        yield _problem(
            path,
            "forbidden_character",
            f"Contains {describe_character(bad)}, which is not allowed in text.",
            f"包含不允许的字符 U+{ord(bad):04X}。",
        )


def _check_number(value: int | float, path: str) -> Iterator[Problem]:
    if isinstance(value, float) and not math.isfinite(value):
        yield _problem(path, "not_finite", "Must be a finite number.", "必须是有限的数字。")
    elif abs(value) > limits.MAX_NUMBER:
        yield _problem(
            path,
            "range",
            f"Must be between -{limits.MAX_NUMBER:,} and {limits.MAX_NUMBER:,}.",
            f"数值不能超过 {limits.MAX_NUMBER}。",
        )


def _check_container(value: dict | list, path: str) -> Iterator[Problem]:
    if isinstance(value, dict):
        if len(value) > limits.MAX_OBJECT_KEYS:
            yield _problem(
                path,
                "too_many_items",
                f"An object may have at most {limits.MAX_OBJECT_KEYS:,} keys.",
                f"对象最多 {limits.MAX_OBJECT_KEYS} 个字段。",
            )
        return
    most = limits.MAX_WHITELIST if path == "audience.whitelist" else limits.MAX_LIST_ITEMS
    if len(value) > most:
        yield _problem(
            path,
            "too_many_items",
            f"A list may have at most {most:,} items here.",
            f"此列表最多 {most} 项。",
        )


def _sweep(data: Any) -> Iterator[Problem]:
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            yield from _check_number(value, path)
        elif isinstance(value, str):
            yield from _check_text(value, path, is_key=False)
        elif isinstance(value, dict | list):
            if depth > limits.MAX_JSON_DEPTH:
                yield _problem(
                    path,
                    "too_deep",
                    f"Nested deeper than {limits.MAX_JSON_DEPTH} levels.",
                    f"嵌套不能超过 {limits.MAX_JSON_DEPTH} 层。",
                )
                continue
            yield from _check_container(value, path)
            if isinstance(value, dict):
                for key, child in value.items():
                    child_path = join_path(path, key) if isinstance(key, str) else path
                    if not isinstance(key, str):
                        yield _problem(
                            path, "type", "Object keys must be text.", "字段名必须是文本。"
                        )
                        continue
                    yield from _check_text(key, child_path, is_key=True)
                    stack.append((child, child_path, depth + 1))
            else:
                stack.extend(
                    (child, join_path(path, i), depth + 1) for i, child in enumerate(value)
                )
        else:
            yield _problem(
                path, "type", f"Not JSON data ({type(value).__name__}).", "不是 JSON 数据。"
            )


def sweep(data: Any) -> list[Problem]:
    """Problems of `data` as a JSON document (at most MAX_PROBLEMS)."""
    found: list[Problem] = []
    for problem in _sweep(data):
        found.append(problem)
        if len(found) >= MAX_PROBLEMS:
            break
    return found


# Problems after which the schemas and semantic checks must not look at the document.
BLOCKING_CODES = frozenset({"too_deep", "type"})
