"""Rule regular expressions: checked at save, run by RE2 (linear time) at run time.

The live evaluator (rules.conditions) matches with RE2 (google-re2), whose time is linear in
the input whatever the pattern, so no pattern can stall a request. The structural checks below
still refuse what would backtrack catastrophically in Python's `re`, which business-rules (the
reference engine, the studio's rule export) uses: plain literals, classes, anchors, groups,
alternation of disjoint branches, at most two unbounded quantifiers and no quantifier inside a
repeated group are accepted. Refused: nested quantifiers ((a+)+), nullable or overlapping
alternatives under a quantifier ((a|a)*, (a|ab)+), backreferences, lookarounds, conditionals,
patterns over MAX_PATTERN_LENGTH characters, and anything RE2 cannot run (possessive or atomic
groups). `compile_re2` is the one place a rule pattern becomes an RE2 program.
"""

from __future__ import annotations

import functools
import re
import re._parser as sre_parse  # the stdlib parser; stable across 3.11-3.13
from re._constants import (  # type: ignore[attr-defined]
    ANY,
    ASSERT,
    ASSERT_NOT,
    AT,
    BRANCH,
    CATEGORY,
    GROUPREF,
    GROUPREF_EXISTS,
    IN,
    LITERAL,
    MAX_REPEAT,
    MAXREPEAT,
    MIN_REPEAT,
    NEGATE,
    NOT_LITERAL,
    RANGE,
    SUBPATTERN,
)

import re2

MAX_PATTERN_LENGTH = 200
MAX_REPEAT_COUNT = 1000
MAX_UNBOUNDED = 2

_ANYCHAR = "any"


class UnsafeRegex(ValueError):
    """The pattern is refused; the message says why in words a marketer can act on."""


def check_pattern(pattern: str) -> None:
    """Raise UnsafeRegex if `pattern` is invalid or could backtrack catastrophically."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafeRegex(f"The pattern is longer than {MAX_PATTERN_LENGTH} characters.")
    try:
        re.compile(pattern)
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise UnsafeRegex(f"The pattern is not a valid regular expression ({exc}).") from None
    try:
        compile_re2(pattern)
    except re2.error:
        raise UnsafeRegex(
            "The pattern uses syntax the rule engine (RE2) does not support, such as "
            "possessive quantifiers (a++), atomic groups, \\u escapes or the x, a, u flags."
        ) from None
    unbounded = _walk(list(parsed), inside_repeat=False)
    if unbounded > MAX_UNBOUNDED:
        raise UnsafeRegex(
            f"The pattern uses more than {MAX_UNBOUNDED} open-ended repeats "
            "(+, * or {n,}); simplify it."
        )


def _re2_syntax(pattern: str) -> str:
    """The pattern as RE2 reads it with Python's meaning: `\\Z` (end of text) is RE2's `\\z`,
    and `{,n}` (Python: 0 to n) must be written `{0,n}` (RE2 reads `{,n}` as literal text)."""
    out: list[str] = []
    i, class_body = 0, -1  # class_body: where the open class's items start (-1: outside)
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            ends = pattern[i + 1] == "Z" and class_body < 0
            out.append("\\z" if ends else pattern[i : i + 2])
            i += 2
            continue
        if class_body >= 0:
            if char == "]" and i > class_body:  # a `]` first in the class is literal
                class_body = -1
        elif char == "[":
            class_body = i + 2 if pattern.startswith("^", i + 1) else i + 1
        elif pattern.startswith("{,", i):
            out.append("{0")
            i += 1
            continue
        out.append(char)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=512)
def compile_re2(pattern: str) -> re2._Regexp:
    """The RE2 program for a rule pattern (raises re2.error if RE2 cannot parse it)."""
    options = re2.Options()
    options.log_errors = False  # a refused pattern is reported to the marketer, not stderr
    return re2.compile(_re2_syntax(pattern), options)


def is_safe(pattern: str) -> bool:
    try:
        check_pattern(pattern)
    except UnsafeRegex:
        return False
    return True


def _walk(items: list, inside_repeat: bool) -> int:
    """Check a parsed sequence; return how many unbounded quantifiers it holds."""
    unbounded = 0
    for op, av in items:
        if op in (GROUPREF, GROUPREF_EXISTS):
            raise UnsafeRegex("Back-references (\\1) are not allowed.")
        if op in (ASSERT, ASSERT_NOT):
            raise UnsafeRegex("Look-ahead and look-behind are not allowed.")
        if op in (MAX_REPEAT, MIN_REPEAT):
            unbounded += _repeat(av, inside_repeat)
        elif op is SUBPATTERN:
            unbounded += _walk(list(av[-1]), inside_repeat)
        elif op is BRANCH:
            if inside_repeat:
                _check_disjoint(av[1])
            for branch in av[1]:
                unbounded += _walk(list(branch), inside_repeat)
    return unbounded


def _repeat(av: tuple, inside_repeat: bool) -> int:
    low, high, body = av
    body = list(body)
    if high > MAX_REPEAT_COUNT and high is not MAXREPEAT or low > MAX_REPEAT_COUNT:
        raise UnsafeRegex(f"Repeat counts above {MAX_REPEAT_COUNT} are not allowed.")
    repeats = high is MAXREPEAT or high > 1
    if repeats and inside_repeat:
        raise UnsafeRegex(
            "A repeated part inside another repeated part, like (a+)+, is not "
            "allowed: it can make matching take forever."
        )
    if repeats and _nullable(body):
        raise UnsafeRegex("A repeated part that can match nothing, like (a?)*, is not allowed.")
    inner = _walk(body, inside_repeat=inside_repeat or repeats)
    return inner + (1 if high is MAXREPEAT else 0)


def _check_disjoint(branches: list) -> None:
    seen: set | None = set()
    for branch in branches:
        items = list(branch)
        if _nullable(items):
            raise UnsafeRegex("Alternatives under a repeat must not be empty, like (a|)*.")
        first = _first_chars(items)
        if first == _ANYCHAR or seen is None or (first & seen):
            raise UnsafeRegex(
                "Alternatives under a repeat must start with different "
                "characters, like (ab|cd)+ and not (a|ab)+."
            )
        seen |= first


def _nullable(items: list) -> bool:
    for op, av in items:
        if op in (MAX_REPEAT, MIN_REPEAT):
            if av[0] > 0 and not _nullable(list(av[2])):
                return False
        elif op is SUBPATTERN:
            if not _nullable(list(av[-1])):
                return False
        elif op is BRANCH:
            if not any(_nullable(list(b)) for b in av[1]):
                return False
        elif op is not AT:
            return False
    return True


def _first_chars(items: list) -> set | str:
    """The set of characters the sequence can start with (ANYCHAR when not a small literal set)."""
    for op, av in items:
        if op is LITERAL:
            return {av}
        if op is IN:
            chars: set = set()
            for iop, iav in av:
                if iop is LITERAL:
                    chars.add(iav)
                elif iop is RANGE and iav[1] - iav[0] < 256:
                    chars.update(range(iav[0], iav[1] + 1))
                else:  # NEGATE, CATEGORY, wide ranges
                    return _ANYCHAR
            return chars
        if op in (ANY, NOT_LITERAL, CATEGORY, NEGATE):
            return _ANYCHAR
        if op is SUBPATTERN:
            return _first_chars(list(av[-1]))
        if op in (MAX_REPEAT, MIN_REPEAT, BRANCH):
            return _ANYCHAR
        if op is AT:
            continue
        return _ANYCHAR
    return set()
