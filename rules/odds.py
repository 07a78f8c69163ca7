"""Prize odds: the weighted table for one draw, and picking from it with a given random number.

The runtime passes `stock_left` as what may be won *now* (the lower of remaining stock and
today's unreleased daily quota; None = unlimited) and the random number from a CSPRNG, so every
draw can be replayed from its recorded table and number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .windows import parse_local, window_predicate, zone


@dataclass(slots=True)
class PersonState:
    """What the odds need to know about the person drawing (before this draw)."""

    draws_total: int = 0
    wins_total: int = 0
    wins_by_prize: Mapping[str, int] = field(default_factory=dict)
    wins_today: int = 0


@dataclass(slots=True)
class OddsEntry:
    prize: str
    weight: float
    base_weight: float
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "prize": self.prize,
            "weight": self.weight,
            "base_weight": self.base_weight,
            "notes": self.notes,
        }


@dataclass
class OddsTable:
    """The weights one draw is picked from; `to_dict()` is stored as the draw's evidence."""

    entries: list[OddsEntry]
    fallback: str | None
    guaranteed: bool = False
    # a guaranteed draw's real prizes and their weights before the guarantee: where the draw
    # goes instead when its candidate is gone at admission (rules.draws.admit)
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    total: float = field(init=False)

    def __post_init__(self) -> None:
        self.total = sum(e.weight for e in self.entries)

    def probabilities(self) -> dict[str, float]:
        total = self.total
        return {e.prize: (e.weight / total if total else 0.0) for e in self.entries}

    def to_dict(self) -> dict[str, Any]:
        data = {
            "entries": [e.to_dict() for e in self.entries],
            "total": self.total,
            "fallback": self.fallback,
            "guaranteed": self.guaranteed,
        }
        if self.guaranteed:
            data["alternatives"] = [list(pair) for pair in self.alternatives]
        return data


def pick(table: OddsTable, rand: float) -> str | None:
    """The prize key `rand` in [0, 1) selects, walking entries in order; None if nothing can win."""
    if not 0.0 <= rand < 1.0:
        raise ValueError("rand must be in [0, 1)")
    total = table.total
    if total <= 0:
        return None
    target = rand * total
    cumulative = 0.0
    last = None
    for entry in table.entries:
        if entry.weight > 0:
            cumulative += entry.weight
            last = entry.prize
            if target < cumulative:
                return entry.prize
    return last  # rounding at the very top of the range


def _boost_active(boost: Mapping[str, Any], now: datetime) -> bool:
    until = boost.get("until")
    if until is None:
        return True
    if isinstance(until, str):
        until = parse_local(until, now.tzinfo)  # type: ignore[arg-type]
    return now < until


class OddsModel:
    """A bundle's prizes and odds settings, prepared once; `table()` is called per draw."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        self.prizes = bundle["prizes"]
        self.policy = bundle["odds"]["exhausted"]
        self.guaranteed_first = bundle["odds"]["guaranteed_first"]
        self.fallback = next((p["key"] for p in self.prizes if p["fallback"]), None)
        self.per_person = bundle["limits"]["per_person"]
        self.tz = zone(bundle["schedule"]["timezone"])
        windows = {w["id"]: w for w in bundle["schedule"]["windows"]}
        self.window_boosts = [
            (
                b["window"],
                window_predicate(windows[b["window"]], self.tz),
                frozenset(b["prizes"]),
                float(b["factor"]),
            )
            for b in bundle["odds"]["boosts"]
        ]

    def _person_capped(self, person: PersonState) -> str | None:
        wins_total, wins_day = self.per_person["wins_total"], self.per_person["wins_per_day"]
        if wins_total is not None and person.wins_total >= wins_total:
            return "person_wins_total"
        if wins_day is not None and person.wins_today >= wins_day:
            return "person_wins_per_day"
        return None

    def _unavailable(
        self,
        prize: dict[str, Any],
        person: PersonState,
        stock_left: Mapping[str, int | None],
        capped: str | None,
    ) -> str | None:
        left = stock_left.get(prize["key"], prize["stock"])
        if left is not None and left <= 0:
            return "exhausted"
        limit = prize["per_person_limit"]
        if limit is not None and person.wins_by_prize.get(prize["key"], 0) >= limit:
            return "per_person_limit"
        return capped

    def table(
        self,
        now: datetime,
        person: PersonState,
        stock_left: Mapping[str, int | None],
        boosts: list[Mapping[str, Any]] | None = None,
        *,
        chance_kind: str | None = None,
        guarantee: str | None = None,
        branch_quota_left: int | None = None,
    ) -> OddsTable:
        """The odds for one draw at `now` by `person` using a chance of `chance_kind`."""
        local = now.astimezone(self.tz)
        active = [
            (f"window:{wid}", prizes, factor)
            for wid, pred, prizes, factor in self.window_boosts
            if pred(local)
        ]
        if boosts:
            active += [
                ("action", frozenset(b["prizes"]), float(b["factor"]))
                for b in boosts
                if _boost_active(b, now)
            ]
        capped = self._person_capped(person)
        if capped is None and branch_quota_left is not None and branch_quota_left <= 0:
            capped = "branch_quota"
        entries, moved, fallback_entry = [], 0.0, None
        for prize in self.prizes:
            base = float(prize["weight"])
            entry = OddsEntry(prize["key"], base, base, [])
            entries.append(entry)
            kinds = prize["chance_kinds"]
            if prize["fallback"]:
                fallback_entry = entry
            elif chance_kind is not None and kinds is not None and chance_kind not in kinds:
                entry.weight = 0.0
                entry.notes.append("chance_kind")
            elif reason := self._unavailable(prize, person, stock_left, capped):
                entry.weight = 0.0
                entry.notes.append(reason)
                if self.policy == "fallback":
                    moved += base
            elif active:
                for source, prizes, factor in active:
                    if prize["key"] in prizes:
                        entry.weight *= factor
                        entry.notes.append(f"boost:{source}x{factor:g}")
        if fallback_entry is not None and moved:
            fallback_entry.weight += moved
            fallback_entry.notes.append(f"+{moved:g} moved from unavailable prizes")
        table = OddsTable(entries, self.fallback)
        if guarantee is not None or person.draws_total < self.guaranteed_first:
            table.alternatives = [
                (e.prize, e.weight) for e in entries if e.prize != self.fallback and e.weight > 0
            ]
            table.guaranteed = self._apply_guarantee(entries, guarantee)
            table.total = sum(e.weight for e in entries)
            if not table.guaranteed:
                table.alternatives = []
        return table

    def _apply_guarantee(self, entries: list[OddsEntry], guarantee: str | None) -> bool:
        winners = [e for e in entries if e.prize != self.fallback and e.weight > 0]
        if guarantee is not None and any(e.prize == guarantee for e in winners):
            for e in entries:
                if e.prize != guarantee and e.weight:
                    e.weight = 0.0
                    e.notes.append("guarantee_win")
            return True
        if winners:
            for e in entries:
                if e.prize == self.fallback and e.weight:
                    e.weight = 0.0
                    e.notes.append("guaranteed_first" if guarantee is None else "guarantee_win")
            return True
        return False
