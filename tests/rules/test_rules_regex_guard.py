"""The regex guard refuses catastrophic patterns; accepted patterns stay fast on long input."""

from __future__ import annotations

import time

import pytest

from rules.conditions import compile_leaf
from rules.regex_guard import MAX_PATTERN_LENGTH, UnsafeRegex, check_pattern, is_safe

ADVERSARIAL = [
    "(a+)+$",
    "(a*)*$",
    "(a|a)*$",
    "(a|aa)+$",
    "(a|ab)*c",
    "(.*a){10}",
    r"(\w+\s?)+$",
    "((ab)*)+",
    r"(a)\1",
    "(?=a)b",
    "(?<!a)b",
    ".*.*.*x",
    "(a|)*",
    "(a?)*",
    "x{1,5000}",
    r"(\d+)*$",
    "(x+x+)+y",
    "([a-z]+)*$",
    "a" * (MAX_PATTERN_LENGTH + 1),
    "(",
    "[a-",
    "(?(1)a|b)",
]
SAFE = [
    "^vip",
    "^(ab|cd)+$",
    r"^\d{4}-\d{2}$",
    ".*a.*b",
    "^(济南|青岛|烟台)$",
    r"BR0\d+",
    r"[a-z]+@[a-z]+\.com",
    "^(ab|cd){1,3}x+$",
    r"(\d|1)+",
]


@pytest.mark.parametrize("pattern", ADVERSARIAL)
def test_adversarial_patterns_refused(pattern):
    with pytest.raises(UnsafeRegex):
        check_pattern(pattern)


@pytest.mark.parametrize("pattern", SAFE)
def test_ordinary_patterns_accepted_and_fast_on_long_input(pattern):
    assert is_safe(pattern)
    pred = compile_leaf({"name": "city", "operator": "matches_regex", "value": pattern})
    long_input = ("a" * 50 + "1-" + "b" * 50) * 20_000  # about 2 MB, matched whole (RE2)
    started = time.perf_counter()
    for _ in range(20):
        pred({"city": long_input})
    assert time.perf_counter() - started < 5  # generous: a catastrophic case takes minutes


def test_refusal_message_is_readable():
    with pytest.raises(UnsafeRegex, match="inside another repeated part"):
        check_pattern("(a+)+")


def test_counted_repeats_that_pass_the_guard_run_in_linear_time():
    """`a{0,999}` five times passes the structural guard; Python's re took 31 s on 150 `a`s
    (holding a request, and the SQLite write lock with it). RE2 matches it in linear time."""
    pattern = "a{0,999}a{0,999}a{0,999}a{0,999}a{0,999}$"
    assert is_safe(pattern)
    pred = compile_leaf({"name": "city", "operator": "matches_regex", "value": pattern})
    started = time.perf_counter()
    for value in ("a" * 150 + "!", "a" * 5_000 + "!", "a" * 150):
        assert pred({"city": value})  # `$` after zero `a`s: it matches, as in re
    assert time.perf_counter() - started < 5  # re needs 31 s for the first value alone


@pytest.mark.parametrize("pattern", ["a++b", "(?>ab)c", r"\u0041", "(?x) a b"])
def test_syntax_re2_cannot_run_is_refused(pattern):
    with pytest.raises(UnsafeRegex, match="RE2"):
        check_pattern(pattern)
