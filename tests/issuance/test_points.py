"""The points ledger: balance kept with the entries, expiry oldest-first, bulk credits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from core.models import PointsAccount, PointsEntry, Reward
from runtime.issuance import points
from runtime.issuance.loop import IssuanceLoop
from tests.issuance.factories import make_rewards

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def ledger(db, participant_id: int) -> list[tuple[str, int, int]]:
    rows = db.session.execute(
        select(PointsEntry.kind, PointsEntry.delta, PointsEntry.balance_after)
        .where(PointsEntry.participant_id == participant_id)
        .order_by(PointsEntry.id)
    ).all()
    return [tuple(row) for row in rows]


def credit(db, pid: int, amount: int, key: str, expires: datetime | None = None, at=T0, **kw):
    posting = points.post(
        db.session,
        participant_id=pid,
        delta=amount,
        kind=kw.pop("kind", "staff" if amount > 0 else "spend"),
        source_key=key,
        expires_at=expires,
        now=at,
        **kw,
    )
    db.session.commit()
    return posting


def account(db, pid: int, scope: int = 0) -> PointsAccount:
    row = db.session.scalars(
        select(PointsAccount).where(
            PointsAccount.participant_id == pid, PointsAccount.scope_id == scope
        )
    ).one()
    db.session.refresh(row)
    return row


def test_credits_and_debits_move_the_balance_with_each_entry(app, db, people):
    pid = people[0].id
    first = credit(db, pid, 100, "a")
    second = credit(db, pid, -30, "b")

    assert (first.balance, second.balance) == (100, 70)
    assert points.balance(pid) == 70
    assert ledger(db, pid) == [("staff", 100, 100), ("spend", -30, 70)]


def test_an_overdraft_is_refused_and_writes_nothing(app, db, people):
    pid = people[0].id
    credit(db, pid, 50, "a")

    with pytest.raises(points.InsufficientPoints):
        credit(db, pid, -60, "b")
    db.session.rollback()

    assert points.balance(pid) == 50
    assert ledger(db, pid) == [("staff", 50, 50)]


def test_a_debit_without_an_account_is_refused(app, db, people):
    with pytest.raises(points.InsufficientPoints):
        credit(db, people[0].id, -1, "a")
    db.session.rollback()
    assert ledger(db, people[0].id) == []


def test_the_ledger_is_append_only_and_keys_are_unique(app, db, people):
    pid = people[0].id
    credit(db, pid, 10, "once")

    with pytest.raises(DBAPIError):
        db.session.execute(text("UPDATE points_entries SET delta = 99"))
    db.session.rollback()
    with pytest.raises(DBAPIError):
        db.session.execute(text("DELETE FROM points_entries"))
    db.session.rollback()
    with pytest.raises(IntegrityError):
        credit(db, pid, 10, "once")
    db.session.rollback()

    assert points.balance(pid) == 10 and ledger(db, pid) == [("staff", 10, 10)]


def test_scopes_are_separate_and_the_total_sums_them(app, db, campaign, people):
    pid = people[0].id
    credit(db, pid, 10, "campaign", campaign_id=campaign.id)
    credit(db, pid, 5, "bank")

    assert points.balance(pid, campaign.id) == 10
    assert points.balance(pid, 0) == 5
    assert points.balance(pid) == 15


def test_credit_many_keeps_a_running_balance_per_account(app, db, campaign, people):
    p0, p1 = people[0].id, people[1].id
    credit(db, p0, 5, "earlier", campaign_id=campaign.id)
    credits = [
        points.Credit(participant_id=p0, delta=10, source_key="k1", campaign_id=campaign.id),
        points.Credit(participant_id=p1, delta=20, source_key="k2", campaign_id=campaign.id),
        points.Credit(participant_id=p0, delta=30, source_key="k3", campaign_id=campaign.id),
        points.Credit(participant_id=p1, delta=7, source_key="k4", kind="staff"),
    ]

    balances = points.credit_many(db.session, credits, T0)
    db.session.commit()

    assert balances == [15, 20, 45, 7]
    assert ledger(db, p0) == [("staff", 5, 5), ("reward", 10, 15), ("reward", 30, 45)]
    assert ledger(db, p1) == [("reward", 20, 20), ("staff", 7, 7)]
    assert points.balance(p0, campaign.id) == 45
    assert (points.balance(p1, campaign.id), points.balance(p1, 0)) == (20, 7)


def test_credit_many_with_a_known_source_key_writes_nothing(app, db, people):
    pid = people[0].id
    credit(db, pid, 5, "taken")
    credits = [
        points.Credit(participant_id=pid, delta=10, source_key="new"),
        points.Credit(participant_id=pid, delta=10, source_key="taken"),
    ]

    with pytest.raises(IntegrityError):
        points.credit_many(db.session, credits, T0)
    db.session.rollback()

    assert points.balance(pid) == 5 and ledger(db, pid) == [("staff", 5, 5)]


def test_expiry_consumes_the_oldest_expiring_points_first(app, db, people):
    pid = people[0].id
    soon = credit(db, pid, 100, "soon", expires=day(10))
    later = credit(db, pid, 50, "later", expires=day(20))
    credit(db, pid, 30, "never")
    credit(db, pid, -120, "spend", at=day(1))  # takes all of `soon` and 20 of `later`

    assert points.expire_due(db.session, now=day(15)) == 0  # `soon` was spent already
    assert points.balance(pid) == 60
    assert points.expire_due(db.session, now=day(25)) == 30  # what is left of `later`

    assert points.balance(pid) == 30
    expiries = db.session.execute(
        select(PointsEntry.source_key, PointsEntry.delta).where(PointsEntry.kind == "expiry")
    ).all()
    assert [tuple(row) for row in expiries] == [(f"expiry:{later.entry_id}", -30)]
    assert soon.entry_id < later.entry_id
    assert account(db, pid).next_expiry_at is None  # nothing left that can expire


def test_expiry_takes_only_the_unspent_part(app, db, people):
    pid = people[0].id
    credit(db, pid, 100, "a", expires=day(10))
    credit(db, pid, -40, "spend", at=day(1))

    assert points.expire_due(db.session, now=day(11)) == 60
    assert points.balance(pid) == 0
    assert points.expire_due(db.session, now=day(12)) == 0  # applied once


def test_expire_due_moves_on_instead_of_rescanning_expired_accounts(app, db, people):
    p0, p1 = people[0].id, people[1].id
    credit(db, p0, 10, "p0-a", expires=day(5))
    credit(db, p0, 15, "p0-b", expires=day(30))
    credit(db, p1, 20, "p1-a", expires=day(6))
    assert account(db, p0).next_expiry_at == day(5)

    assert points.expire_due(db.session, now=day(10), limit=1) == 10  # p0, the earliest
    assert account(db, p0).next_expiry_at == day(30)
    assert points.expire_due(db.session, now=day(10), limit=1) == 20  # then p1, not p0 again
    assert account(db, p1).next_expiry_at is None
    assert points.expire_due(db.session, now=day(10), limit=1) == 0

    assert (points.balance(p0), points.balance(p1)) == (15, 0)
    assert points.expire_due(db.session, now=day(31)) == 15


def test_points_rewards_carry_their_expiry(app, db, campaign, people, issuance_config):
    pid, cid = people[0].id, campaign.id
    make_rewards(cid, [pid], "points", {"amount": 10, "valid_days": 30}, 2)

    assert IssuanceLoop(app, kinds=["points"]).run(burst=True) == 2

    rewards = db.session.scalars(select(Reward).order_by(Reward.id)).all()
    entries = db.session.scalars(select(PointsEntry).order_by(PointsEntry.id)).all()
    assert [e.reward_id for e in entries] == [r.id for r in rewards]
    assert [e.balance_after for e in entries] == [10, 20]
    assert [r.result["balance"] for r in rewards] == [10, 20]
    expires = entries[0].expires_at
    assert expires - rewards[0].issued_at == timedelta(days=30)
    assert rewards[0].result["expires_at"] == expires.isoformat()
    assert account(db, pid, cid).next_expiry_at == expires


def test_a_bad_points_payload_fails_alone(app, db, campaign, people, issuance_config):
    ids = [p.id for p in people]
    good = make_rewards(campaign.id, ids, "points", {"amount": 5}, 4)
    [bad] = make_rewards(campaign.id, ids, "points", {"amount": "5"})

    assert IssuanceLoop(app, kinds=["points"]).run(burst=True) == 4

    reward = db.session.get(Reward, bad)
    assert reward.status == "failed" and reward.attempts == 1
    assert reward.last_error.startswith("payload.amount")
    rows = db.session.scalars(select(PointsEntry.reward_id)).all()
    assert sorted(rows) == good
