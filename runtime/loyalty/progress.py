"""The task centre's read model: each task's state for the caller (done, or how far along a
streak or an invitation count is) and the badges they hold."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.extensions import db
from core.models import TaskCompletion
from runtime import hotstate
from runtime.auth import Principal
from runtime.loader import LiveVersion, utcnow_day
from runtime.members import find_member, find_participant
from runtime.reads import reading


def _streak(person: dict[str, str], live: LiveVersion) -> int:
    """Today's check-in streak (0 once a day was missed), as GET /me reports it."""
    streak = hotstate.as_int(person, "cs")
    last = person.get("cl")
    return 0 if last and last < utcnow_day(live, days_ago=1) else streak


def task_state(live: LiveVersion, principal: Principal, lang: str = "zh") -> dict[str, Any]:
    from widgets.loyalty import public_tasks

    pid = find_participant(principal)
    member = find_member(live.campaign_id, pid)
    done: dict[str, Any] = {}
    person: dict[str, str] = {}
    if member is not None:
        with reading():
            for row in db.session.execute(
                select(
                    TaskCompletion.task_key,
                    TaskCompletion.badge_ordinal,
                    TaskCompletion.created_at,
                ).where(
                    TaskCompletion.campaign_id == live.campaign_id,
                    TaskCompletion.participant_id == pid,
                )
            ):
                done[row.task_key] = row
        person = hotstate.person_state(live.campaign_id, pid)
    current = {"check_in": _streak(person, live), "referral": hotstate.as_int(person, "r")}
    tasks = []
    for task in public_tasks(live.bundle, lang):
        row = done.get(task["key"])
        progress = None
        if task["target"] is not None:
            value = task["target"] if row else min(current[task["event"]], task["target"])
            progress = {"current": value, "target": task["target"]}
        tasks.append(
            {
                **task,
                "done": row is not None,
                "done_at": row.created_at.isoformat() if row else None,
                "badge_held": row is not None and row.badge_ordinal is not None,
                "progress": progress,
            }
        )
    held = [
        k
        for k, r in sorted(done.items(), key=lambda kv: kv[1].badge_ordinal or 0)
        if r.badge_ordinal is not None
    ]
    return {
        "joined": member is not None,
        "tasks": tasks,
        "badges": {"held": held, "count": len(held), "total": sum(1 for t in tasks if t["badge"])},
    }
