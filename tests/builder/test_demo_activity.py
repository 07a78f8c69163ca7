"""`studio demo --activity`: the demo campaigns played through the runtime, the report jobs
run once, the year's calendar planned; a second run adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from core.cli import cli, register_commands
from core.models import CalendarEntry, Draw, Membership, RollupDay, TrafficRollup


def count(db, model) -> int:
    found = db.session.scalar(select(func.count()).select_from(model))
    db.session.rollback()
    return found


def test_demo_activity_plays_every_live_campaign_once_and_rolls_it_up(app, db, runner):
    group = register_commands(cli)
    first = runner.invoke(group, ["demo", "--activity"])
    assert first.exit_code == 0, first.output
    assert "demo activity: 5 campaigns" in first.output
    draws, members = count(db, Draw), count(db, Membership)
    assert draws > 50 and members > 50
    rolled = db.session.scalar(select(func.sum(RollupDay.draws)))
    assert rolled == draws  # the report jobs ran
    assert count(db, TrafficRollup) > 0 and count(db, CalendarEntry) > 0

    again = runner.invoke(group, ["demo", "--activity"])
    assert again.exit_code == 0, again.output
    assert (count(db, Draw), count(db, Membership)) == (draws, members)
