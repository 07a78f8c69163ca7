"""Reward configs generated from rules.rewards: one complete config per kind, and every way
one field of it can be wrong (shared by the rules, studio and CLI tests)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rules.rewards import REWARD_KINDS

WRONG: dict[str, list[Any]] = {
    "int": [0, -1, 1.5, "3", True, None, []],
    "number": [0, -2.5, "1", False, None],
    "text": ["", "   ", 5, None, ["x"]],
}


def valid_config(kind: str) -> dict[str, Any]:
    """A complete config of `kind`: every field set (choices: the first one)."""
    sample = {"int": 3, "number": 2.5, "text": "x"}
    config: dict[str, Any] = {"kind": kind}
    for f in REWARD_KINDS[kind].fields:
        config[f.name] = f.choices[0] if f.choices else sample[f.type]
    if kind == "red_packet":
        config.update(mode="random", min=1, max=2)
    return config


def bad_configs(kind: str) -> Iterator[tuple[dict[str, Any], str, str]]:
    """(config, field, code) for every way one field of `kind` can be wrong."""
    good = valid_config(kind)
    for f in REWARD_KINDS[kind].fields:
        without = {k: v for k, v in good.items() if k != f.name}
        if f.required:
            yield without, f.name, "missing_field"
        if f.required_when:
            other, value = f.required_when
            yield {**without, other: value}, f.name, "missing_field"
        if f.choices:
            yield {**good, f.name: "bogus"}, f.name, "unknown_option"
        else:
            for wrong in WRONG[f.type]:
                yield {**good, f.name: wrong}, f.name, "wrong_type"
    yield {**good, "bogus": 1}, "bogus", "unknown_field"


CASES = [(kind, *case) for kind in REWARD_KINDS for case in bad_configs(kind)]
