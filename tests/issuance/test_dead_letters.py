"""Dead letters: failed rewards listed with their error, retried or cancelled, each audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.cli import cli, register_commands
from core.models import AuditEntry, CouponCode, Reward
from runtime.issuance import coupons, dead_letters
from runtime.issuance.loop import WAKE_KEY, IssuanceLoop
from tests.issuance.factories import make_campaign, make_rewards


@pytest.fixture
def dead(app, db, campaign, people, issuance_config) -> list[int]:
    """Two coupon rewards for a pool that does not exist yet, out of attempts: dead letters."""
    ids = make_rewards(
        campaign.id, [people[0].id], "coupon_code", {"pool": "later"}, 2, max_attempts=1
    )
    IssuanceLoop(app, kinds=["coupon_code"]).run(burst=True)
    db.session.add_all([campaign, *people])  # the loop ends its session; re-attach for tests
    return ids


def status(db, reward_id: int) -> Reward:
    reward = db.session.get(Reward, reward_id)
    db.session.refresh(reward)
    db.session.commit()
    return reward


def audits(db, action: str) -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    ).all()


def test_failed_rewards_are_listed_with_their_error(app, db, dead, people):
    other = make_campaign()
    make_rewards(other.id, [people[1].id], "points", {"amount": 1}, 1)  # pending: not listed

    listed = dead_letters.list_failed()

    assert sorted(item["id"] for item in listed) == dead
    assert listed[0]["id"] == max(dead)  # newest first
    item = listed[0]
    assert item["status"] == "failed" and item["attempts"] == 1
    assert "coupon pool 'later' does not exist" in item["last_error"]
    assert item["participant"] == people[0].external_id and item["kind"] == "coupon_code"
    assert dead_letters.count_failed() == 2
    assert dead_letters.list_failed(campaign_id=other.id) == []
    assert dead_letters.count_failed(other.id) == 0


def test_retry_requeues_wakes_the_loops_and_is_audited(app, db, redis, dead):
    coupons.upload_codes(db.session, "later", "code\nA1\nA2\n")
    db.session.commit()
    redis.delete(WAKE_KEY)

    assert dead_letters.retry(dead[0], actor_label="ops", reason="pool uploaded") == {
        "id": dead[0],
        "status": "pending",
    }

    assert redis.llen(WAKE_KEY) == 1
    reward = status(db, dead[0])
    assert reward.status == "pending" and reward.attempts == 0
    [row] = audits(db, "reward.retry")
    assert row.actor == "ops" and row.object_id == str(dead[0])
    assert row.before["status"] == "failed" and "does not exist" in row.before["last_error"]
    assert row.after == {"status": "pending", "attempts": 0, "reason": "pool uploaded"}
    assert IssuanceLoop(app, kinds=["coupon_code"]).run(burst=True) == 1
    assert status(db, dead[0]).status == "issued"
    assert status(db, dead[1]).status == "failed"  # only the retried one moved


def test_cancel_is_final_and_audited(app, db, dead, campaign, people):
    [pending] = make_rewards(campaign.id, [people[0].id], "points", {"amount": 3})

    dead_letters.cancel(dead[0], actor_label="ops", reason="customer left")
    dead_letters.cancel(pending, actor_label="ops", reason="duplicate win")

    assert status(db, dead[0]).status == "cancelled"
    assert IssuanceLoop(app, kinds=["points", "coupon_code"]).run(burst=True) == 0
    assert status(db, pending).status == "cancelled"
    rows = audits(db, "reward.cancel")
    assert [(r.object_id, r.before["status"], r.after["reason"]) for r in rows] == [
        (str(dead[0]), "failed", "customer left"),
        (str(pending), "pending", "duplicate win"),
    ]


def test_actions_refuse_rewards_in_the_wrong_state(app, db, dead, campaign, people):
    coupons.upload_codes(db.session, "later", "B1\nB2\n")
    db.session.commit()
    dead_letters.retry(dead[0], actor_label="ops")
    IssuanceLoop(app, kinds=["coupon_code"]).run(burst=True)

    with pytest.raises(dead_letters.RewardStateError, match="is issued"):
        dead_letters.retry(dead[0], actor_label="ops")
    with pytest.raises(dead_letters.RewardStateError, match="is issued"):
        dead_letters.cancel(dead[0], actor_label="ops")
    with pytest.raises(dead_letters.RewardStateError, match="^reward_id"):
        dead_letters.retry(10**9, actor_label="ops")
    db.session.rollback()

    assert db.session.scalar(select(CouponCode.reward_id).where(CouponCode.code == "B1")) == dead[0]
    assert len(audits(db, "reward.retry")) == 1 and audits(db, "reward.cancel") == []


def test_cli_lists_retries_and_cancels(app, db, runner, dead):
    group = register_commands(cli)

    listed = runner.invoke(group, ["rewards", "list-failed"])
    retried = runner.invoke(group, ["rewards", "retry", str(dead[0]), "--reason", "try again"])
    no_reason = runner.invoke(group, ["rewards", "cancel", str(dead[1])])
    cancelled = runner.invoke(group, ["rewards", "cancel", str(dead[1]), "--reason", "gone"])
    again = runner.invoke(group, ["rewards", "cancel", str(dead[1]), "--reason", "gone"])

    assert listed.exit_code == 0 and f"{dead[0]}\t" in listed.output
    assert "does not exist" in listed.output
    assert retried.exit_code == 0 and "pending" in retried.output
    assert no_reason.exit_code != 0
    assert cancelled.exit_code == 0 and "cancelled" in cancelled.output
    assert again.exit_code != 0 and "is cancelled" in again.output
    assert [status(db, i).status for i in dead] == ["pending", "cancelled"]
    assert [r.actor for r in audits(db, "reward.retry") + audits(db, "reward.cancel")] == [
        "cli",
        "cli",
    ]
