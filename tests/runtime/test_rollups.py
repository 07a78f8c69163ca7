"""Report rollups equal the aggregates counted straight from the ledgers: after catching up
chunk by chunk, after a rebuild, after a late row (an old hour, or an id that became visible
after later ids were counted), and after a real process counting them was killed mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.models import Draw, Membership, Participant, RollupCursor, utcnow
from runtime.rollups import catch_up, rebuild
from runtime.rollups.cursors import GAP_TTL, remaining_gaps
from tests.conftest import REPO_ROOT, server_environment
from tests.runtime import rollup_data as data


@pytest.fixture
def campaigns(app, db):
    found = data.make_campaigns()
    data.generate(found)
    return found


def assert_rollups_match() -> None:
    expected, actual = data.expected(), data.actual()
    for table in expected:
        assert actual[table] == expected[table], table


def test_rollups_equal_the_ledgers_counted_in_any_chunk_size(app, db, campaigns):
    counted = catch_up(db.session, chunk=37)
    assert counted["draws"] == db.session.scalar(select(func.count()).select_from(Draw))
    assert_rollups_match()
    assert sum(catch_up(db.session).values()) == 0  # nothing left: a rerun adds nothing
    assert_rollups_match()


def test_rebuild_recounts_the_same_figures(app, db, campaigns):
    catch_up(db.session, chunk=1000)
    before = data.actual()
    rebuild(db.session, chunk=11)
    assert data.actual() == before
    assert_rollups_match()


def test_a_late_event_for_an_old_hour_lands_in_its_hour(app, db, campaigns):
    catch_up(db.session)
    cid = campaigns[1].id
    member = db.session.scalars(select(Membership).where(Membership.campaign_id == cid)).first()
    old = data.START + timedelta(minutes=5)  # hours already counted
    rng = data.random.Random(1)
    data.add_draw(rng, cid, campaigns[1].published_version_id, member.participant_id, "BJ001", old)
    data.add_event(rng, cid, member.participant_id, old)
    db.session.commit()
    catch_up(db.session)
    assert_rollups_match()


def test_an_id_that_commits_after_later_ids_is_counted_and_becomes_the_first_draw(
    app, db, campaigns
):
    """PostgreSQL hands out ids at insert, so id N can commit after N+1 was counted: the
    missing id is kept as a gap, counted when it shows up, and if it is now the person's first
    draw (and first win) the mark moves from the draw that held it."""
    catch_up(db.session)
    campaign = campaigns[0]
    person = Participant(channel_id=_channel(db), external_id="late-comer", attrs={})
    db.session.add(person)
    db.session.flush()
    db.session.add(
        Membership(
            campaign_id=campaign.id,
            participant_id=person.id,
            branch_code="SZ001",
            referral_code="LATE0001",
            joined_at=data.START,
        )
    )
    top = db.session.scalar(select(func.max(Draw.id)))
    early, later = data.START + timedelta(hours=1), data.START + timedelta(hours=5)
    rng = data.random.Random(3)
    version = campaign.published_version_id
    held = data.add_draw(rng, campaign.id, version, person.id, "SZ001", later, id=top + 10)
    held.won, held.prize_key = True, "car"
    db.session.commit()
    catch_up(db.session)
    cursor = db.session.get(RollupCursor, "draws")
    assert cursor.last_id == top + 10 and cursor.gaps[0][:2] == [top + 1, top + 9]
    assert_rollups_match()

    late = data.add_draw(rng, campaign.id, version, person.id, "SZ001", early, id=top + 4)
    late.won, late.prize_key = True, "car"
    db.session.commit()
    catch_up(db.session)
    assert_rollups_match()  # the late draw is the first draw and the first win now
    cursor = db.session.get(RollupCursor, "draws")
    assert [g[:2] for g in cursor.gaps] == [[top + 1, top + 3], [top + 5, top + 9]]


def _channel(db) -> int:
    return db.session.scalar(select(Participant.channel_id).limit(1))


def test_gaps_are_forgotten_after_their_ttl(app):
    now = utcnow()
    old = (now - GAP_TTL - timedelta(seconds=1)).isoformat()
    fresh = now.isoformat()
    gaps = [(1, 5, old), (7, 9, fresh)]
    assert remaining_gaps(gaps, {8}, [(20, 21)], now) == [
        (7, 7, fresh),
        (9, 9, fresh),
        (20, 21, now.isoformat()),
    ]


def test_a_chunk_read_before_another_job_moved_the_cursor_is_not_counted_twice(app, db, campaigns):
    from runtime.rollups import runner
    from runtime.rollups.buckets import Zones
    from runtime.rollups.sources import DRAWS

    runner._ensure_cursors(db.session, ["draws"])
    zones = Zones(db.session, "Asia/Shanghai")
    now = utcnow()
    first = runner._read_chunk(db.session, DRAWS, zones, 50, now)
    second = runner._read_chunk(db.session, DRAWS, zones, 50, now)  # a second job, same state
    assert runner._write_chunk(db.session, first, now)
    assert not runner._write_chunk(db.session, second, now)
    catch_up(db.session)
    assert_rollups_match()


ROLL_UP = """
import sys
from core import create_app
from core.extensions import db
from runtime.rollups import catch_up
app = create_app()
with app.app_context():
    catch_up(db.session, chunk=int(sys.argv[1]))
"""


def _draw_cursor_version(db) -> int:
    db.session.rollback()
    row = db.session.execute(
        select(RollupCursor.version).where(RollupCursor.source == "draws")
    ).first()
    db.session.rollback()
    return row[0] if row else 0


def test_a_rollup_process_killed_mid_run_and_rerun_counts_everything_once(
    app, app_config, db, campaigns
):
    data.generate(campaigns, people=240, seed=11)  # enough rows for many small chunks
    env = server_environment(app_config)
    kills = 0
    for delay in (0.0, 0.05, 0.15, 0.3):
        process = subprocess.Popen([sys.executable, "-c", ROLL_UP, "7"], cwd=REPO_ROOT, env=env)
        start = _draw_cursor_version(db)
        deadline = time.monotonic() + 60
        while _draw_cursor_version(db) == start and process.poll() is None:
            assert time.monotonic() < deadline, "the rollup process made no progress"
            time.sleep(0.01)
        time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            kills += 1
        process.wait(30)
    assert kills >= 2, "the process finished before it could be killed"
    catch_up(db.session, chunk=500)
    assert_rollups_match()
