"""Strict JSON text for bundles and API bodies: what RFC 8259 allows, nested to a bounded depth.

Python's json module accepts `NaN` and `Infinity` (non-JSON; a token attribute or a weight would
become `inf`), turns `1e400` into `inf`, keeps the last of two equal keys silently (a bundle that
says `"stock": 10, ..., "stock": 1000000` means the second), and raises RecursionError (a
traceback, a 500) on a document nested 100,000 deep. It also reads `\u0000` and lone
surrogates (`\ud800`) into text that PostgreSQL cannot store (a 500 on the first write). `loads`
refuses each of these with a `JSONTextError` that says what and, where it can, the JSON path.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import orjson

from .limits import MAX_JSON_DEPTH
from .problems import join_path

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates


class JSONTextError(ValueError):
    """The text is not acceptable JSON; `path` locates the problem when it is known."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.path = path


def _refuse_constant(name: str) -> Any:
    raise JSONTextError(f"{name} is not a JSON number.")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONTextError(f"The number {text[:40]} is out of range.")
    return value


def loads(text: str | bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse `text` (str, or UTF-8/16/32 bytes); raises JSONTextError."""
    duplicates: list[tuple[dict, str]] = []

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict:
        found = dict(pairs)
        if len(found) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    duplicates.append((found, key))
                    break
                seen.add(key)
        return found

    try:
        data = json.loads(
            text,
            object_pairs_hook=unique_keys,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
        )
    except JSONTextError:
        raise
    except json.JSONDecodeError as exc:
        raise JSONTextError(
            f"Invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}."
        ) from None
    except RecursionError:
        raise JSONTextError(f"Nested deeper than {max_depth} levels.") from None
    except (ValueError, UnicodeDecodeError) as exc:  # e.g. an integer of 5,000 digits
        raise JSONTextError(f"Invalid JSON: {str(exc)[:200]}") from None
    if duplicates:
        container, key = duplicates[0]
        raise JSONTextError(f"The key '{key[:100]}' appears twice.", _path_of(data, container))
    opening = (
        text.count(b"{") + text.count(b"[")
        if isinstance(text, bytes)
        else (text.count("{") + text.count("["))
    )
    if opening > max_depth:  # cheap test first: fewer brackets cannot nest deeper
        _check_depth(data, max_depth)
    escaped = b"\\u" in text if isinstance(text, bytes) else "\\u" in text
    if escaped or (isinstance(text, str) and UNSTORABLE.search(text)):
        _check_text(data)  # only an escape (or a str built in Python) can hold them
    return data


def _check_text(data: Any) -> None:
    stack = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            found = UNSTORABLE.search(value)
            if found:
                raise JSONTextError(
                    f"Text may not contain U+{ord(found.group()):04X} (NUL or a lone surrogate).",
                    path,
                )
        elif isinstance(value, dict):
            for key in value:
                if UNSTORABLE.search(key):
                    raise JSONTextError("A key may not contain NUL or a lone surrogate.", path)
            stack.extend(_children(value, path))
        elif isinstance(value, list):
            stack.extend(_children(value, path))


def _children(value: Any, path: str) -> list[tuple[Any, str]]:
    if isinstance(value, dict):
        return [(child, join_path(path, key)) for key, child in value.items()]
    if isinstance(value, list):
        return [(child, join_path(path, index)) for index, child in enumerate(value)]
    return []


def _check_depth(data: Any, max_depth: int) -> None:
    stack = [(data, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if not isinstance(value, dict | list):
            continue
        if depth > max_depth:
            raise JSONTextError(f"Nested deeper than {max_depth} levels.", path)
        stack.extend((child, child_path, depth + 1) for child, child_path in _children(value, path))


def _path_of(data: Any, target: dict) -> str:
    """The JSON path of the object `target` (by identity) inside `data`."""
    stack = [(data, "")]
    while stack:
        value, path = stack.pop()
        if value is target:
            return path
        stack.extend(_children(value, path))
    return ""


def dumps(value: Any, sort_keys: bool = False) -> str:
    """Compact JSON text with UTF-8 kept (what `json.dumps(value, ensure_ascii=False,
    separators=(",", ":"), sort_keys=sort_keys)` writes), by orjson: the draw path writes
    several documents per draw (its evidence, draw.lua's argument), ~5x faster this way.
    Differences: NaN and infinities become null (the standard library writes `NaN`, which is
    not JSON and which PostgreSQL's jsonb refuses); what orjson refuses (a non-string key, an
    integer beyond 64 bits) goes through the standard library."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)
