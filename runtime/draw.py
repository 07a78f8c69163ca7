"""The draw: rules, odds, one atomic Redis admission, then one SQL transaction.

1. Build variables and run the draw rules (deny refuses; other actions apply first).
2. Read the person's counters, stock, today's releases, branch wins, issuer limits (budget,
   coupon codes) and boosts (one script call); rules.draws.choose builds the odds table and
   picks a candidate with a CSPRNG value (the model the simulation shares).
3. draw.lua takes the chance and admits the candidate with its issuer limits; when its stock /
   daily release / issuer limit / person / branch limit is gone by now, a guaranteed draw
   takes another real prize that is not, any other draw the fallback (decided atomically, as
   rules.draws.admit describes).
4. Draw + Reward + Prize.issued+1 commit in one transaction (runtime.draw_ledger) before the
   answer; if that fails, undo_draw.lua gives everything back. The Prize CHECK (issued <=
   stock_total) backs Redis up: a draw it refuses gets its chance back (not the unit of stock,
   which the ledger proved Redis had counted too many) and a clean 409 `sold_out`. The Draw
   row is also the ledger entry of the spent chance. The admission is a flight
   (runtime.flights) that lands after the commit, so reconcile never reads a half-done draw;
   it usually lands with the next draw's admission call (runtime.landings).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app

from core.errors import ApiProblem
from core.extensions import db
from core.models import utcnow
from runtime import flights, hotstate, landings
from runtime.actions import stage_actions
from runtime.auth import Principal
from runtime.draw_answers import answer_flags, existing_answer, reward_answer
from runtime.draw_ledger import DrawRow, Written, dumps_evidence, is_integrity_error, write_draw
from runtime.draw_plan import DrawPlan, draw_plan, prize_spec, public_prize
from runtime.grants import ensure_daily_grants
from runtime.loader import CampaignRef, LiveVersion, cache, require_live
from runtime.members import Member, require_member
from runtime.variables import build_variables
from runtime.write_gate import write_gate

logger = logging.getLogger(__name__)
__all__ = ["prize_spec", "public_prize", "run_draw"]  # public_prize: runtime.api.campaigns
_random = secrets.SystemRandom()

REFUSALS = {
    "no_chances": (409, "no_chances", "You have no chances of this kind left."),
    "draws_per_day": (409, "quota_exceeded", "You have reached today's draw limit."),
    "draws_total": (409, "quota_exceeded", "You have reached the draw limit of this campaign."),
}
STOCK_CHECK = "ck_prizes_stock"  # the Prize CHECK issued <= stock_total (core.models)


@dataclass
class DrawContext:
    """One draw request once the member, chance kind and local day are known."""

    live: LiveVersion
    member: Member
    kind: str
    day: str
    now: datetime
    idempotency_key: str | None = None
    request_hash: str | None = None
    messages: list[str] = field(default_factory=list)
    rate_hit: Any = None  # runtime.api.limits.RateHit sent with the first state read


def person_state(person: dict[str, str], day: str):
    from rules import PersonState

    return PersonState(
        draws_total=hotstate.as_int(person, "d"),
        wins_total=hotstate.as_int(person, "w"),
        wins_by_prize={k[3:]: int(v) for k, v in person.items() if k.startswith("wp:")},
        wins_today=hotstate.as_int(person, f"w:{day}"),
    )


def run_draw(
    ref: CampaignRef,
    live: LiveVersion,
    principal: Principal,
    chance_kind: str | None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    request_hash: str | None = None,
    rate_hit=None,
) -> dict[str, Any]:
    """One draw for `principal`; returns the answer body. Raises ApiProblem on refusal.
    `rate_hit` (runtime.api.limits.RateHit): the request's rate limits, counted in the same
    round trip as the draw's state read."""
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
    ctx = DrawContext(live, member, kind, live.local_day(now), now, idempotency_key, request_hash)
    ctx.rate_hit = rate_hit
    if not idempotency_key:
        return _run(ctx, principal)
    try:
        return _run(ctx, principal)
    except ApiProblem:
        # A refusal may only mean the first try with this key already drew (and its Redis
        # idempotency record was lost): then that draw is the answer.
        done = existing_answer(member.participant_id, idempotency_key, request_hash)
        if done is None:
            raise
        return done


def _run(ctx: DrawContext, principal: Principal) -> dict[str, Any]:
    live, now, pid = ctx.live, ctx.now, ctx.member.participant_id
    with landings.boarding(live.campaign_id) as boarding:
        inputs = hotstate.draw_inputs(live.campaign_id, pid, ctx.day, ctx.rate_hit)
        if ensure_daily_grants(live, pid, ctx.day, inputs.person):
            inputs = hotstate.draw_inputs(live.campaign_id, pid, ctx.day)
        variables = build_variables(live, principal, inputs.person, now, pid)
        outcome = live.compiled.run("draw", variables)
        if outcome.denied:
            raise ApiProblem(403, "denied", outcome.denied)
        if outcome.actions:
            ctx.messages = _apply_draw_rules(ctx, outcome.actions)
            inputs = hotstate.draw_inputs(live.campaign_id, pid, ctx.day)
        return _draw(ctx, inputs, outcome, boarding)


def _apply_draw_rules(ctx: DrawContext, actions) -> list[str]:
    live, member = ctx.live, ctx.member
    source = f"drawrule:{live.campaign_id}:{member.participant_id}:" + (
        ctx.idempotency_key or secrets.token_hex(8)
    )
    with flights.flight(live.campaign_id):
        effects = stage_actions(live, member.participant_id, actions, source, ctx.now)
        try:
            db.session.commit()
        except Exception:
            db.session.rollback()
            effects.undo()
            raise
        effects.after_commit()
    return effects.messages


def _priced(plan: DrawPlan, key: str) -> dict[str, Any]:
    """A prize's admission spec; a random red packet's amount is drawn here (CSPRNG), so the
    budget it takes is known when it is admitted."""
    spec = plan.specs[key]
    price = plan.prices.get(key)
    if price is None:
        return spec
    return {**spec, "costs": [c.to_list() for c in price.costs(_random.random())]}


def _admission_spec(
    ctx: DrawContext, plan: DrawPlan, choice, quota: int | None, rand2: float | None
) -> dict[str, Any]:
    """draw.lua's argument; None values are left out (cjson would make them truthy)."""
    live, candidate = ctx.live, choice.candidate
    spec: dict[str, Any] = {
        "kind": ctx.kind,
        "day": ctx.day,
        "branch": ctx.member.branch_code or "",
    }
    spec.update(plan.limits)
    if quota is not None:
        spec["branch_quota"] = quota
    if candidate is not None and candidate in plan.specs:
        spec["candidate"] = _priced(plan, candidate)
    if live.fallback is not None:
        spec["fallback"] = _priced(plan, live.fallback)
    if rand2 is not None:
        spec["alts"] = [
            {**_priced(plan, key), "w": weight}
            for key, weight in choice.table.alternatives
            if key != candidate and weight > 0
        ]
        spec["rand2"] = rand2
    return spec


def _draw(
    ctx: DrawContext, inputs: hotstate.DrawInputs, outcome, boarding: landings.Boarding
) -> dict[str, Any]:
    from rules.draws import Supply, choose

    live, member, person = ctx.live, ctx.member, inputs.person
    plan = draw_plan(live)
    state = person_state(person, ctx.day)
    branch = member.branch_code or ""
    quota = plan.branch_quotas.get(branch) if branch else None
    quota_left = None if quota is None else quota - int(inputs.branches.get(branch) or 0)
    guarantee = person.get("guarantee") or None
    rand = _random.random()
    choice = choose(
        live.compiled.odds,
        ctx.now,
        state,
        Supply(inputs.stock, inputs.release, inputs.limits),
        rand,
        inputs.boosts,
        chance_kind=ctx.kind,
        guarantee=guarantee,
        branch_quota_left=quota_left,
    )
    table, candidate = choice.table, choice.candidate
    rand2 = _random.random() if table.guaranteed else None
    admission = hotstate.admit_draw(
        live.campaign_id,
        member.participant_id,
        _admission_spec(ctx, plan, choice, quota, rand2),
        boarding,
    )
    if admission.status == "busy":
        raise flights.busy()
    if admission.status != "ok":
        status, code, detail = REFUSALS[admission.status]
        raise ApiProblem(status, code, detail)
    evidence = {
        "version_id": live.version_id,
        "version": live.version_number,
        "at": ctx.now.isoformat(),
        "day": ctx.day,
        "chance_kind": ctx.kind,
        "rules": outcome.explain(),
        "person": {
            "draws_total": state.draws_total,
            "wins_total": state.wins_total,
            "wins_by_prize": dict(state.wins_by_prize),
            "wins_today": state.wins_today,
        },
        "stock_left": choice.left,
        "boosts": inputs.boosts,
        "guarantee": guarantee,
        "branch_quota_left": quota_left,
        "odds": table.to_dict(),
        "random": rand,
        "picked": candidate,
        "refused_reason": admission.refused_reason,
        "prize_public": plan.public.get(admission.prize) if admission.prize else None,
    }
    if rand2 is not None:
        evidence["random2"] = rand2
    if admission.taken:
        evidence["taken"] = admission.taken
    if ctx.request_hash:
        evidence["request_hash"] = ctx.request_hash
    body = _commit_or_compensate(ctx, plan, admission, rand, evidence)
    if body.get("replayed"):
        return body
    chances = hotstate.chances_by_kind(person)
    chances[ctx.kind] = chances.get(ctx.kind, 0) - 1
    body.update(chances_left=chances, messages=ctx.messages, replayed=False)
    return body


def draw_row(
    ctx: DrawContext,
    plan: DrawPlan,
    prize_key: str | None,
    rand: float,
    evidence: dict,
    taken: dict[str, int] | None = None,
) -> DrawRow:
    from rules.draws import BUDGET

    live = ctx.live
    prize = live.prizes.get(prize_key) if prize_key else None
    reward_kind, payload = plan.rewards.get(prize_key, (None, None)) if prize else (None, None)
    if taken and BUDGET in taken and payload is not None:
        payload = {**payload, "amount_cents": taken[BUDGET]}  # what the issuer pays
    return DrawRow(
        campaign_id=live.campaign_id,
        version_id=live.version_id,
        participant_id=ctx.member.participant_id,
        idempotency_key=ctx.idempotency_key,
        chance_kind=ctx.kind,
        branch_code=ctx.member.branch_code,
        prize_key=prize_key if prize is not None else None,
        won=prize is not None and not prize["fallback"],
        random_value=rand,
        evidence_json=dumps_evidence(evidence),
        created_at=ctx.now,
        reward_kind=reward_kind,
        reward_payload=payload,
    )


def _write(row: DrawRow) -> Written:
    if db.session.registry.has() and db.session().in_transaction():
        db.session.commit()  # nothing is staged here; never sit on SQLite's lock while we wait
    if group_commit_enabled():
        return cache().group_commit.submit(row)
    with write_gate():
        return write_draw(row)


def group_commit_enabled() -> bool:
    """DRAW_GROUP_COMMIT (app config, default on): concurrent draws of a process share a
    transaction (runtime.group_commit); it doubles the write ceiling on SQLite and on
    PostgreSQL (docs/benchmarks.md)."""
    return bool(current_app.config.get("DRAW_GROUP_COMMIT", True))


def _commit_or_compensate(
    ctx: DrawContext,
    plan: DrawPlan,
    admission: hotstate.DrawAdmission,
    rand: float,
    evidence: dict,
):
    prize_key = admission.prize
    row = draw_row(ctx, plan, prize_key, rand, evidence, admission.taken)
    try:
        written = _write(row)
    except Exception as exc:
        sold_out = is_integrity_error(exc) and STOCK_CHECK in str(exc)
        undo = {
            "kind": ctx.kind,
            "day": ctx.day,
            "branch": ctx.member.branch_code or "",
            "prize": plan.spec(prize_key),
            "flight": admission.flight,
            "keep_stock": sold_out,
            "taken": admission.taken or None,
        }
        hotstate.undo_draw(ctx.live.campaign_id, ctx.member.participant_id, undo)
        if is_integrity_error(exc) and ctx.idempotency_key:
            done = existing_answer(ctx.member.participant_id, ctx.idempotency_key, ctx.request_hash)
            if done:
                return done
        if sold_out:
            logger.warning("draw %s/%s: stock CHECK refused the draw", ctx.live.slug, prize_key)
            raise ApiProblem(
                409, "sold_out", "That prize has just run out; your chance was not used."
            ) from None
        raise
    landings.committed(ctx.live.campaign_id, admission.flight)
    prize = evidence["prize_public"]
    return {
        "draw_id": written.draw_id,
        **answer_flags(prize),
        "prize": prize,
        "reward": reward_answer(written.reward_id, row.reward_kind, "pending", row.reward_payload),
    }
