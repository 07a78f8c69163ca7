"""Claims and the issuing engine: claim tokens decide who may write, the bulk path and its
per-reward fallback, leases, backoff, and the one-job-per-reward path."""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from sqlalchemy import func, select

from core.models import PointsEntry, Reward, utcnow
from runtime.issuance import jobs, points, red_packets
from runtime.issuance.claim import backoff_seconds, claim_batch, reclaim_expired
from runtime.issuance.engine import issue_internal
from runtime.issuance.issuers import default_registry
from runtime.issuance.settings import load_settings
from tests.issuance.factories import make_rewards


def internal_issuers():
    settings = load_settings()
    return default_registry().build(settings, ["points", "red_packet", "none"]), settings


def rows(db) -> dict[int, tuple[str, int]]:
    found = db.session.execute(select(Reward.id, Reward.status, Reward.attempts)).all()
    db.session.commit()
    return {r.id: (r.status, r.attempts) for r in found}


def entries(db) -> list[int]:
    found = db.session.scalars(select(PointsEntry.reward_id).order_by(PointsEntry.reward_id))
    return list(found)


def test_claims_never_overlap_and_count_attempts(app, db, campaign, people, issuance_config):
    ids = make_rewards(campaign.id, [p.id for p in people], "points", {"amount": 1}, 7)

    first = claim_batch(db.session, "w1", 4, 60)
    second = claim_batch(db.session, "w2", 4, 60)

    assert [r.id for r in first] == ids[:4] and [r.id for r in second] == ids[4:]
    assert len({r.token for r in first} | {r.token for r in second}) == 2
    assert claim_batch(db.session, "w3", 4, 60) == []
    assert set(rows(db).values()) == {("issuing", 1)}


def test_a_claim_taken_over_after_its_lease_writes_nothing(
    app, db, campaign, people, issuance_config
):
    issuers, settings = internal_issuers()
    ids = make_rewards(campaign.id, [people[0].id], "points", {"amount": 9}, 3)
    stale = claim_batch(db.session, "slow", 10, 0.001)  # a worker that stalls past its lease

    later = utcnow() + timedelta(seconds=1)
    assert reclaim_expired(db.session, now=later) == (3, 0)
    fresh = claim_batch(db.session, "fast", 10, 60, now=later)
    late = issue_internal(db.session, stale, issuers, settings)
    done = issue_internal(db.session, fresh, issuers, settings)

    assert late.lost == ids and late.issued == []
    assert done.issued == ids
    assert entries(db) == ids  # one ledger entry each: the stale claim added none
    assert points.balance(people[0].id) == 27
    assert set(rows(db).values()) == {("issued", 2)}


def test_reclaiming_a_dead_workers_last_attempt_fails_the_reward(
    app, db, campaign, people, issuance_config
):
    [reward_id] = make_rewards(campaign.id, [people[0].id], "points", {"amount": 1}, max_attempts=1)
    claim_batch(db.session, "dies", 10, 0.001)

    assert reclaim_expired(db.session, now=utcnow() + timedelta(seconds=1)) == (0, 1)

    reward = db.session.get(Reward, reward_id)
    assert reward.status == "failed" and "worker lost" in reward.last_error
    assert reclaim_expired(db.session) == (0, 0)


def test_a_failing_bulk_batch_is_redone_one_reward_at_a_time(
    app, db, campaign, people, issuance_config, caplog
):
    issuers, settings = internal_issuers()
    pid = people[0].id
    ids = make_rewards(campaign.id, [pid], "points", {"amount": 2}, 5)
    poisoned = ids[2]
    points.post(
        db.session, participant_id=pid, delta=100, kind="adjust", source_key=f"reward:{poisoned}"
    )  # its effect key is taken already
    db.session.commit()
    claimed = claim_batch(db.session, "w", 10, 60)

    with caplog.at_level(logging.WARNING, logger="runtime.issuance.engine"):
        report = issue_internal(db.session, claimed, issuers, settings)

    assert "redoing them one savepoint each" in caplog.text
    assert report.issued == [i for i in ids if i != poisoned]
    assert report.retried == [poisoned]
    state = rows(db)
    assert state[poisoned][0] == "pending"
    assert "IntegrityError" in db.session.get(Reward, poisoned).last_error
    assert points.balance(pid) == 100 + 2 * 4  # nothing credited twice, nothing lost


def test_a_mixed_batch_issues_every_kind_in_one_go(
    app, db, campaign, people, issuance_config, caplog
):
    issuers, settings = internal_issuers()
    red_packets.set_budget(db.session, campaign.id, 2)
    db.session.commit()
    pid = people[0].id
    make_rewards(campaign.id, [pid], "points", {"amount": 4}, 2)
    packet = {"mode": "fixed", "amount": 1}
    make_rewards(campaign.id, [pid], "red_packet", packet, 3)  # the third finds no money
    make_rewards(campaign.id, [pid], "none", {"message": "Thanks"}, 1)

    with caplog.at_level(logging.WARNING, logger="runtime.issuance.engine"):
        report = issue_internal(db.session, claim_batch(db.session, "w", 10, 60), issuers, settings)

    assert "redoing" not in caplog.text  # the bulk path held: rowcounts are reliable here
    assert (len(report.issued), len(report.failed), report.lost) == (5, 1, [])
    assert points.balance(pid) == 8
    failed = db.session.get(Reward, report.failed[0])
    assert failed.kind == "red_packet" and failed.last_error == "red packet budget exhausted"


def test_backoff_grows_with_jitter_and_a_cap():
    rng = random.Random(1)
    for attempts, low, high in ((1, 1, 2), (3, 4, 8), (30, 50, 100)):
        samples = [backoff_seconds(attempts, 2.0, 100.0, rng) for _ in range(200)]
        assert all(low <= s <= high for s in samples)
        assert max(samples) - min(samples) > (high - low) / 2  # jittered, not fixed


def test_one_job_per_reward_issues_once(app, db, campaign, people, issuance_config):
    [reward_id] = make_rewards(campaign.id, [people[0].id], "points", {"amount": 6})

    assert jobs.issue_reward(reward_id) == "issued"
    assert jobs.issue_reward(reward_id) == "not pending"  # RQ delivered it twice

    assert entries(db) == [reward_id]
    assert db.session.scalar(select(func.count(Reward.id)).where(Reward.status == "issued")) == 1
