"""The draw: rules, odds, one atomic Redis admission, then one SQL transaction.

1. Build variables and run the draw rules (deny refuses; other actions apply first).
2. Read the person's counters, stock and today's releases (one pipeline), build the odds
   table and pick a candidate with a CSPRNG value.
3. draw.lua takes the chance and admits the candidate, or its fallback when the candidate's
   stock / daily release / person / branch limit is gone by now (decided atomically).
4. Draw + ChanceEntry(-1) + Reward + Prize.issued+1 commit in one transaction; if that fails,
   undo_draw.lua gives everything back. The Prize CHECK (issued <= stock_total) backs Redis up.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.errors import ApiProblem
from core.extensions import db
from core.models import ChanceEntry, Draw, Prize, Reward, utcnow
from runtime import hotstate
from runtime.actions import reward_payload, stage_actions
from runtime.auth import Principal
from runtime.grants import ensure_daily_grants
from runtime.loader import CampaignRef, LiveVersion, require_live
from runtime.members import Member, require_member
from runtime.reads import reading
from runtime.variables import build_variables
from runtime.write_gate import write_gate

logger = logging.getLogger(__name__)
_random = secrets.SystemRandom()

REFUSALS = {
    "no_chances": (409, "no_chances", "You have no chances of this kind left."),
    "draws_per_day": (409, "quota_exceeded", "You have reached today's draw limit."),
    "draws_total": (409, "quota_exceeded", "You have reached the draw limit of this campaign."),
}


def person_state(person: dict[str, str], day: str):
    from rules import PersonState

    return PersonState(
        draws_total=hotstate.as_int(person, "d"),
        wins_total=hotstate.as_int(person, "w"),
        wins_by_prize={k[3:]: int(v) for k, v in person.items() if k.startswith("wp:")},
        wins_today=hotstate.as_int(person, f"w:{day}"),
    )


def stock_left(
    live: LiveVersion, stock: dict[str, str], release: dict[str, str]
) -> dict[str, int | None]:
    """What each prize may still give now: min(remaining stock, today's unreleased quota)."""
    left: dict[str, int | None] = {}
    for key, prize in live.prizes.items():
        values = []
        if prize["stock"] is not None:
            values.append(int(stock.get(key) or 0))
        if prize["daily_release"] is not None:
            values.append(prize["daily_release"] - int(release.get(key) or 0))
        left[key] = min(values) if values else None
    return left


def prize_spec(live: LiveVersion, key: str | None) -> dict[str, Any] | None:
    if key is None or key not in live.prizes:
        return None
    prize = live.prizes[key]
    return {
        "key": key,
        "limited": prize["stock"] is not None,
        "daily": prize["daily_release"],
        "win": not prize["fallback"],
        "per_person": prize["per_person_limit"],
    }


def _existing_answer(participant_id: int, key: str) -> dict[str, Any] | None:
    with reading():
        row = db.session.scalar(
            select(Draw).where(Draw.participant_id == participant_id, Draw.idempotency_key == key)
        )
        if row is None:
            return None
        reward = db.session.scalar(select(Reward).where(Reward.draw_id == row.id))
        return {
            "draw_id": row.id,
            "won": row.won,
            "prize": row.evidence.get("prize_public"),
            "reward": _reward_view(reward),
            "chances_left": None,
            "messages": [],
            "replayed": True,
        }


def _reward_view(reward: Reward | None) -> dict[str, Any] | None:
    if reward is None:
        return None
    return {"id": reward.id, "kind": reward.kind, "status": reward.status}


def public_prize(live: LiveVersion, key: str | None) -> dict[str, Any] | None:
    if key is None:
        return None
    p = live.prizes[key]
    return {
        "key": key,
        "name": p["name"],
        "name_en": p.get("name_en"),
        "image": p.get("image"),
        "reward_kind": p["reward"]["kind"],
        "fallback": p["fallback"],
    }


def run_draw(
    ref: CampaignRef,
    live: LiveVersion,
    principal: Principal,
    chance_kind: str | None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """One draw for `principal`; returns the answer body. Raises ApiProblem on refusal."""
    now = now or utcnow()
    require_live(ref, now)
    member = require_member(live.campaign_id, principal)
    kind = chance_kind or live.default_kind
    if kind not in live.kinds:
        raise ApiProblem(
            422,
            "validation_error",
            f"Unknown chance kind {kind!r}.",
            errors=[{"path": "chance_kind", "message": "Unknown chance kind."}],
        )
    if idempotency_key and (done := _existing_answer(member.participant_id, idempotency_key)):
        return done
    day = live.local_day(now)
    ensure_daily_grants(live, member.participant_id, day)
    person, stock, release, branches, boosts = hotstate.draw_inputs(
        live.campaign_id, member.participant_id, day
    )
    variables = build_variables(live, principal, person, now, member.participant_id)
    outcome = live.compiled.run("draw", variables)
    if outcome.denied:
        raise ApiProblem(403, "denied", outcome.denied)
    messages: list[str] = []
    if outcome.actions:
        messages = _apply_draw_rules(live, member, outcome.actions, idempotency_key, now)
        person, stock, release, branches, boosts = hotstate.draw_inputs(
            live.campaign_id, member.participant_id, day
        )
    return _draw(
        live,
        member,
        kind,
        day,
        now,
        person,
        stock,
        release,
        branches,
        boosts,
        outcome,
        idempotency_key,
        messages,
    )


def _apply_draw_rules(live, member: Member, actions, idempotency_key, now) -> list[str]:
    source = f"drawrule:{live.campaign_id}:{member.participant_id}:" + (
        idempotency_key or secrets.token_hex(8)
    )
    effects = stage_actions(live, member.participant_id, actions, source, now)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        effects.undo()
        raise
    effects.after_commit()
    return effects.messages


def _draw(
    live,
    member,
    kind,
    day,
    now,
    person,
    stock,
    release,
    branches,
    boosts,
    outcome,
    idempotency_key,
    messages,
) -> dict[str, Any]:
    state = person_state(person, day)
    quotas = live.bundle["limits"]["branch_quotas"]
    branch = member.branch_code or ""
    quota = quotas.get(branch) if branch else None
    quota_left = None if quota is None else quota - int(branches.get(branch) or 0)
    left = stock_left(live, stock, release)
    guarantee = person.get("guarantee") or None
    table = live.compiled.odds_table(
        now,
        state,
        left,
        boosts,
        chance_kind=kind,
        guarantee=guarantee,
        branch_quota_left=quota_left,
    )
    from rules import pick

    rand = _random.random()
    candidate = pick(table, rand)
    limits = live.bundle["limits"]["per_person"]
    spec = {
        "kind": kind,
        "day": day,
        "branch": branch,
        "branch_quota": quota,
        "draws_per_day": limits["draws_per_day"],
        "draws_total": limits["draws_total"],
        "wins_total": limits["wins_total"],
        "wins_per_day": limits["wins_per_day"],
        "candidate": prize_spec(live, candidate),
        "fallback": prize_spec(live, live.fallback),
    }
    admission = hotstate.admit_draw(live.campaign_id, member.participant_id, spec)
    if admission.status != "ok":
        status, code, detail = REFUSALS[admission.status]
        raise ApiProblem(status, code, detail)
    evidence = {
        "version_id": live.version_id,
        "at": now.isoformat(),
        "day": day,
        "chance_kind": kind,
        "rules": outcome.explain(),
        "person": {
            "draws_total": state.draws_total,
            "wins_total": state.wins_total,
            "wins_by_prize": dict(state.wins_by_prize),
            "wins_today": state.wins_today,
        },
        "stock_left": left,
        "boosts": boosts,
        "guarantee": guarantee,
        "branch_quota_left": quota_left,
        "odds": table.to_dict(),
        "random": rand,
        "picked": candidate,
        "refused_reason": admission.refused_reason,
        "prize_public": public_prize(live, admission.prize),
    }
    try:
        with write_gate():
            body = _commit(live, member, kind, admission.prize, rand, evidence, idempotency_key)
    except Exception as exc:
        db.session.rollback()
        undo = {
            "kind": kind,
            "day": day,
            "branch": branch,
            "prize": prize_spec(live, admission.prize),
        }
        hotstate.undo_draw(live.campaign_id, member.participant_id, undo)
        if isinstance(exc, IntegrityError) and idempotency_key:
            done = _existing_answer(member.participant_id, idempotency_key)
            if done:
                return done
        raise
    chances = hotstate.chances_by_kind(person)
    chances[kind] = chances.get(kind, 0) - 1
    body.update(chances_left=chances, messages=messages, replayed=False)
    return body


def _commit(live, member, kind, prize_key, rand, evidence, idempotency_key) -> dict[str, Any]:
    prize = live.prizes.get(prize_key) if prize_key else None
    won = prize is not None and not prize["fallback"]
    draw = Draw(
        campaign_id=live.campaign_id,
        version_id=live.version_id,
        participant_id=member.participant_id,
        idempotency_key=idempotency_key,
        chance_kind=kind,
        branch_code=member.branch_code,
        prize_key=prize_key,
        won=won,
        random_value=rand,
        evidence=evidence,
    )
    db.session.add(draw)
    db.session.flush()
    db.session.add(
        ChanceEntry(
            campaign_id=live.campaign_id,
            participant_id=member.participant_id,
            kind=kind,
            delta=-1,
            reason="draw",
            source_key=f"draw:{draw.id}",
        )
    )
    reward = None
    if prize is not None:
        db.session.execute(
            update(Prize)
            .where(Prize.campaign_id == live.campaign_id, Prize.key == prize_key)
            .values(issued=Prize.issued + 1)
        )
        if prize["reward"]["kind"] != "none":
            reward = Reward(
                source_key=f"draw:{draw.id}",
                draw_id=draw.id,
                campaign_id=live.campaign_id,
                participant_id=member.participant_id,
                prize_key=prize_key,
                kind=prize["reward"]["kind"],
                payload=reward_payload(live, prize_key),
            )
            db.session.add(reward)
            db.session.flush()
    body = {
        "draw_id": draw.id,
        "won": won,
        "prize": evidence["prize_public"],
        "reward": None
        if reward is None
        else {"id": reward.id, "kind": reward.kind, "status": "pending"},
    }
    db.session.commit()
    return body


def dumps_evidence(evidence: dict[str, Any]) -> str:
    return json.dumps(evidence, sort_keys=True, ensure_ascii=False)
