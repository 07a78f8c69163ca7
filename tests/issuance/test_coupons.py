"""Coupon code pools: CSV upload, one code per reward, exhausted pools, redemption."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.models import CouponCode, CouponPool, Reward, utcnow
from runtime.issuance import coupons
from runtime.issuance.loop import IssuanceLoop
from tests.issuance.factories import make_rewards


def upload(db, pool: str, text: str, **options) -> coupons.UploadReport:
    report = coupons.upload_codes(db.session, pool, text, **options)
    db.session.commit()
    return report


def issue(app) -> int:
    return IssuanceLoop(app, kinds=["coupon_code"]).run(burst=True)


def rewards(db, ids: list[int]) -> list[Reward]:
    rows = db.session.scalars(select(Reward).where(Reward.id.in_(ids)).order_by(Reward.id)).all()
    db.session.commit()
    return rows


def test_upload_skips_header_blanks_and_duplicates(app, db):
    first = upload(db, "phone", "code\nA1\n\nA2\nA1\n", name="Phone credit", valid_days=30)
    second = upload(db, "phone", "A2,ignored column\nA3\n")

    assert (first.added, first.duplicates, first.errors) == (2, 1, [])
    assert second.to_dict() == {"pool": "phone", "added": 1, "duplicates": 1, "errors": []}
    pool = db.session.scalars(select(CouponPool)).one()
    assert (pool.name, pool.valid_days, pool.redemption_limit) == ("Phone credit", 30, 1)
    assert coupons.pool_stats(db.session, "phone") == {
        "pool": "phone",
        "name": "Phone credit",
        "total": 3,
        "assigned": 0,
        "left": 3,
    }


@pytest.mark.parametrize(
    ("pool", "text", "options", "message"),
    [
        ("", "A1", {}, "^pool"),
        ("p" * 65, "A1", {}, "^pool"),
        ("ok", "A1", {"valid_days": 0}, "^valid_days"),
        ("ok", "A1", {"redemption_limit": 0}, "^redemption_limit"),
        ("ok", "A1\n" + "X" * 129 + "\n", {}, "^file: line 2: code longer than 128"),
        ("ok", "", {}, "^file: the file has no codes"),
        ("ok", "code\n\n  \n", {}, "^file: the file has no codes"),
        ("Phone Credit", "A1", {}, "^pool: a key of 1 to 64 lowercase"),
        ("话费券", "A1", {}, "^pool"),
        ("-leading-dash", "A1", {}, "^pool"),
        ("has space", "A1", {}, "^pool"),
    ],
)
def test_bad_uploads_name_the_problem_and_write_nothing(app, db, pool, text, options, message):
    with pytest.raises(coupons.CouponError, match=message):
        coupons.upload_codes(db.session, pool, text, **options)
    db.session.rollback()

    assert db.session.scalar(select(func.count(CouponPool.id))) == 0
    assert db.session.scalar(select(func.count(CouponCode.id))) == 0


def test_every_refused_line_is_reported_with_its_number_and_reason(app, db):
    lines = ["code", "GOOD-1", "X" * 129, "GOOD-2", "BAD\x07BELL", "", "Y" * 200, "GOOD-3"]
    with pytest.raises(coupons.CouponError) as caught:
        coupons.upload_codes(db.session, "phone", "\n".join(lines))
    db.session.rollback()

    assert caught.value.field == "file" and caught.value.code == "refused_lines"
    assert caught.value.report.errors == [
        {"line": 3, "reason": "too_long"},
        {"line": 5, "reason": "control_character"},
        {"line": 7, "reason": "too_long"},
    ]
    assert db.session.scalar(select(func.count(CouponCode.id))) == 0  # all or nothing
    assert db.session.scalar(select(func.count(CouponPool.id))) == 0


def test_each_reward_gets_its_own_code(app, db, campaign, people, issuance_config):
    upload(db, "phone", "\n".join(f"C{n}" for n in range(30)), valid_days=7, message="Enjoy")
    ids = make_rewards(campaign.id, [p.id for p in people], "coupon_code", {"pool": "phone"}, 25)

    assert issue(app) == 25

    issued = rewards(db, ids)
    codes = dict(
        db.session.execute(
            select(CouponCode.reward_id, CouponCode.code).where(CouponCode.reward_id.is_not(None))
        ).all()
    )
    assert {r.id: r.result["code"] for r in issued} == codes
    assert len(set(codes.values())) == 25
    first = issued[0]
    assert first.result["message"] == "Enjoy" and first.result["redemption_limit"] == 1
    code = db.session.scalars(select(CouponCode).where(CouponCode.reward_id == first.id)).one()
    assert code.valid_until - code.assigned_at == timedelta(days=7)
    assert first.result["valid_until"] == code.valid_until.isoformat()
    assert coupons.pool_stats(db.session, "phone")["left"] == 5


def test_an_exhausted_pool_retries_then_dead_letters(app, db, campaign, people, issuance_config):
    app.config["ISSUANCE_BACKOFF_MS"] = "60000"  # a real backoff: no retry within this run
    pid = people[0].id
    upload(db, "tiny", "T1\nT2\nT3\n")
    retrying = make_rewards(campaign.id, [pid], "coupon_code", {"pool": "tiny"}, 4)
    [last_try] = make_rewards(campaign.id, [pid], "coupon_code", {"pool": "tiny"}, max_attempts=1)

    assert issue(app) == 3

    rows = rewards(db, [*retrying, last_try])
    assert [r.status for r in rows] == ["issued", "issued", "issued", "pending", "failed"]
    waiting, waiting_id = rows[3], rows[3].id
    assert waiting.attempts == 1 and "no unused code left" in waiting.last_error
    assert waiting.available_at > waiting.updated_at  # backed off, not spinning
    assert "no unused code left" in rows[4].last_error
    assert db.session.scalar(select(func.count(CouponCode.reward_id))) == 3

    upload(db, "tiny", "T4\n")
    db.session.execute(Reward.__table__.update().values(available_at=utcnow()))
    db.session.commit()
    assert issue(app) == 1
    assert rewards(db, [waiting_id])[0].result["code"] == "T4"


def test_payload_errors_fail_at_once_and_unknown_pools_retry(
    app, db, campaign, people, issuance_config
):
    app.config["ISSUANCE_BACKOFF_MS"] = "60000"
    pid = people[0].id
    [no_pool] = make_rewards(campaign.id, [pid], "coupon_code", {})
    [unknown] = make_rewards(campaign.id, [pid], "coupon_code", {"pool": "missing"})

    assert issue(app) == 0

    rows = rewards(db, [no_pool, unknown])
    assert (rows[0].status, rows[0].attempts) == ("failed", 1)
    assert rows[0].last_error.startswith("payload.pool")
    assert rows[1].status == "pending" and "does not exist" in rows[1].last_error


def test_redemption_counts_up_to_the_limit(app, db, campaign, people, issuance_config):
    upload(db, "multi", "M1\nM2\n", redemption_limit=2)
    [reward_id] = make_rewards(campaign.id, [people[0].id], "coupon_code", {"pool": "multi"})
    issue(app)
    code = rewards(db, [reward_id])[0].result["code"]
    unassigned = "M2" if code == "M1" else "M1"

    assert coupons.redeem(db.session, code, "multi") == 1
    assert coupons.redeem(db.session, code, "multi") == 2
    with pytest.raises(coupons.CouponError, match="^code"):
        coupons.redeem(db.session, code, "multi")
    with pytest.raises(coupons.CouponError, match="^code"):
        coupons.redeem(db.session, unassigned, "multi")
    with pytest.raises(coupons.CouponError, match="^pool"):
        coupons.redeem(db.session, code, "nope")


def test_expired_codes_cannot_be_redeemed(app, db, campaign, people, issuance_config):
    upload(db, "short", "S1\n", valid_days=1)
    [reward_id] = make_rewards(campaign.id, [people[0].id], "coupon_code", {"pool": "short"})
    issue(app)

    with pytest.raises(coupons.CouponError, match="expired"):
        coupons.redeem(db.session, "S1", "short", now=utcnow() + timedelta(days=2))
    assert coupons.redeem(db.session, "S1", "short") == 1
