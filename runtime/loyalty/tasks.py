"""Completing tasks: once per participant and task, with its badge and/or points.

A trigger that tasks listen to (check-in, vote, referral, a server event) plans its tasks
right after its rules ran, before its transaction opens: which tasks the request completes
(`rules.loyalty.TaskBook`), which place each new badge takes among the participant's badges,
and what the `badge` trigger's rules do for each (with `badges` / `badges_count` including
it). Inside the transaction `stage()` writes the completions, the points rewards and those
actions. The ledger decides: a concurrent request that completed the same task or took the
same badge place makes the flush fail (UNIQUE), the transaction is rolled back and the whole
request runs again on fresh state (`retry_on_race`), so the third distinct badge is counted
as the third exactly once and no rule is ever evaluated while the write lock is held.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.errors import ApiProblem
from core.extensions import db
from core.models import Reward, TaskCompletion
from rules.compile import Outcome
from rules.loyalty import CompiledTask
from runtime.actions import Effects, stage_actions
from runtime.auth import Principal
from runtime.loader import LiveVersion
from runtime.loyalty.badges import badge_variables
from runtime.reads import reading

logger = logging.getLogger(__name__)

RACE_ATTEMPTS = 10
_jitter = random.Random()
T = TypeVar("T")


class TaskRace(Exception):
    """A concurrent request completed the same task or earned a badge first: run again."""


@dataclass
class TaskAward:
    task: CompiledTask
    name: str
    badge_ordinal: int | None = None
    badge_outcome: Outcome | None = None


@dataclass
class TaskPlan:
    """What a request will complete, decided before its transaction (see module docstring)."""

    live: LiveVersion
    participant_id: int
    awards: list[TaskAward] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.awards)


def completed(campaign_id: int, participant_id: int) -> tuple[set[str], list[str]]:
    """(tasks done, badges held in the order earned) from the ledger."""
    with reading():
        rows = db.session.execute(
            select(TaskCompletion.task_key, TaskCompletion.badge_ordinal).where(
                TaskCompletion.campaign_id == campaign_id,
                TaskCompletion.participant_id == participant_id,
            )
        ).all()
    badges = sorted((r.badge_ordinal, r.task_key) for r in rows if r.badge_ordinal is not None)
    return {r.task_key for r in rows}, [key for _, key in badges]


def plan(
    live: LiveVersion,
    outcome: Outcome,
    principal: Principal,
    person: dict[str, str],
    now: datetime,
    participant_id: int,
) -> TaskPlan | None:
    """The tasks `outcome`'s request completes, with each new badge's place and the badge
    rules' outcome; None when it completes none. Runs before the transaction opens."""
    from runtime.variables import build_variables

    book = live.compiled.tasks
    met = book.met(outcome.trigger, outcome.variables) if outcome.trigger in book.by_trigger else []
    if not met:
        return None
    done, held = completed(live.campaign_id, participant_id)
    names = {t["key"]: t["name"] for t in live.bundle.get("tasks") or []}
    result = TaskPlan(live, participant_id)
    for task in met:
        if task.key in done:
            continue
        award = TaskAward(task, names.get(task.key, task.key))
        if task.badge:
            held = [*held, task.key]
            award.badge_ordinal = len(held)
            extra = {**badge_variables(held), "badge_earned": task.key}
            variables = build_variables(live, principal, person, now, participant_id, extra)
            award.badge_outcome = live.compiled.run("badge", variables)
        result.awards.append(award)
    return result or None


def merge(into: Effects, other: Effects) -> None:
    """Add `other`'s effects to `into` (same campaign and participant)."""
    for kind, count in other.chances.items():
        into.chances[kind] = into.chances.get(kind, 0) + count
    for name, amount in other.counters.items():
        into.counters[name] = into.counters.get(name, 0) + amount
    into.points += other.points
    into.tags += other.tags
    into.boosts += other.boosts
    into.guarantee = other.guarantee or into.guarantee
    into.issued += other.issued
    into.messages += other.messages
    into.taken += other.taken
    into.prizes.update(other.prizes)


def stage(task_plan: TaskPlan | None, effects: Effects, source: str, now: datetime) -> None:
    """Write the plan's completions, points rewards and badge actions in the caller's
    transaction, adding their Redis effects to `effects`. Raises TaskRace (after rolling the
    transaction back) when the ledger shows another request got there first."""
    if not task_plan:
        return
    live, pid = task_plan.live, task_plan.participant_id
    rows = []
    for award in task_plan.awards:
        row = TaskCompletion(
            campaign_id=live.campaign_id,
            participant_id=pid,
            task_key=award.task.key,
            badge_ordinal=award.badge_ordinal,
            points=award.task.points,
            source=source[:160],
            created_at=now,
        )
        db.session.add(row)
        rows.append(row)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        effects.undo()  # stock an issue_prize of this request took goes back
        if "task_completions" not in str(exc.orig):
            raise  # not a race on a task: the caller's own row (reported as before)
        raise TaskRace(f"campaign {live.campaign_id}: participant {pid} raced on a task") from None
    for award, row in zip(task_plan.awards, rows, strict=True):
        if award.task.points:
            _stage_points(live, pid, award)
            effects.points += award.task.points
        if award.badge_outcome is not None:
            actions = [(n, p) for n, p in award.badge_outcome.actions if n != "deny"]
            merge(effects, stage_actions(live, pid, actions, f"badge:{row.id}", now))


def _stage_points(live: LiveVersion, participant_id: int, award: TaskAward) -> None:
    task = award.task
    payload: dict[str, Any] = {"amount": task.points, "note": award.name, "task": task.key}
    if task.points_valid_days:
        payload["valid_days"] = task.points_valid_days
    db.session.add(
        Reward(
            source_key=f"task:{live.campaign_id}:{participant_id}:{task.key}",
            campaign_id=live.campaign_id,
            participant_id=participant_id,
            kind="points",
            payload=payload,
        )
    )


def retry_on_race(function: Callable[..., T]) -> Callable[..., T]:
    """Run a participant write again (from its reads and rule evaluation) when a concurrent
    request completed a task or badge first; after RACE_ATTEMPTS answer 503 (retry)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        for attempt in range(RACE_ATTEMPTS):
            try:
                return function(*args, **kwargs)
            except TaskRace as exc:
                logger.info("%s; attempt %s of %s", exc, attempt + 1, RACE_ATTEMPTS)
                # the requests that raced would meet again at once: spread them out
                time.sleep(_jitter.uniform(0, 0.01 * (attempt + 1)))
        raise ApiProblem(503, "unavailable", "Busy completing a task; please retry.", retry_after=1)

    return wrapper
