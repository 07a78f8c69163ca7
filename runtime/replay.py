"""Replaying a stored draw from its evidence: recompute the odds table from the version's
snapshot and the recorded inputs, check it matches the stored table, and pick with the stored
random value. A candidate refused by the atomic Redis step (recorded as `refused_reason`)
became, as draw.lua decided, another of a guaranteed table's `alternatives` or the fallback
prize (rules.draws.admit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.extensions import db
from core.models import CampaignVersion, Draw


@dataclass(frozen=True)
class Replay:
    prize: str | None
    picked: str | None
    odds_match: bool


def replay_draw(draw: Draw) -> Replay:
    from rules import PersonState, compile_bundle, pick

    evidence = draw.evidence
    version = db.session.get(CampaignVersion, evidence["version_id"])
    compiled = compile_bundle(version.snapshot)
    person = PersonState(**evidence["person"])
    table = compiled.odds_table(
        datetime.fromisoformat(evidence["at"]),
        person,
        evidence["stock_left"],
        evidence["boosts"],
        chance_kind=evidence["chance_kind"],
        guarantee=evidence["guarantee"],
        branch_quota_left=evidence["branch_quota_left"],
    )
    picked = pick(table, evidence["random"])
    prize = picked
    if evidence["refused_reason"]:
        allowed = {compiled.odds.fallback}
        if table.guaranteed:
            allowed |= {key for key, _ in table.alternatives if key != picked}
        prize = draw.prize_key if draw.prize_key in allowed else None
    return Replay(prize, picked, table.to_dict() == evidence["odds"])
