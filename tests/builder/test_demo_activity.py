"""`studio demo --activity`: the demo campaigns played through the runtime (tasks done and
points spent in the points mall too), the report jobs run once, the year's calendar planned;
a second run adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from builder.demo_campaigns import DEMO_TEMPLATES
from core.cli import cli, register_commands
from core.models import (
    CalendarEntry,
    Draw,
    Exchange,
    Membership,
    RollupDay,
    TaskCompletion,
    TrafficRollup,
)


def count(db, model) -> int:
    found = db.session.scalar(select(func.count()).select_from(model))
    db.session.rollback()
    return found


def test_demo_activity_plays_every_live_campaign_once_and_rolls_it_up(app, db, runner):
    group = register_commands(cli)
    first = runner.invoke(group, ["demo", "--activity"])
    assert first.exit_code == 0, first.output
    assert f"demo activity: {len(DEMO_TEMPLATES)} campaigns" in first.output
    draws, members = count(db, Draw), count(db, Membership)
    assert draws > 50 and members > 50
    rolled = db.session.scalar(select(func.sum(RollupDay.draws)))
    assert rolled == draws  # the report jobs ran
    assert count(db, TrafficRollup) > 0 and count(db, CalendarEntry) > 0
    exchanges, tasks = count(db, Exchange), count(db, TaskCompletion)
    assert exchanges > 5 and tasks > 10  # the mall's members earned points and spent them
    issued = db.session.scalars(select(Exchange)).all()
    assert {e.item_key for e in issued} >= {"phone-credit-10", "video-month"}
    db.session.rollback()

    again = runner.invoke(group, ["demo", "--activity"])
    assert again.exit_code == 0, again.output
    assert (count(db, Draw), count(db, Membership)) == (draws, members)
    assert (count(db, Exchange), count(db, TaskCompletion)) == (exchanges, tasks)
