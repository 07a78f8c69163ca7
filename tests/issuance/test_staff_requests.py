"""Staff points entries from the studio: branch scope, the per-entry cap, and a second person
above the threshold (pending -> approved | refused), each step audited."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from core.models import AuditEntry, Campaign, Membership, PointsEntry, PointsRequest
from runtime.issuance import points
from runtime.issuance.staff_requests import StaffEntryError, decide, enter_points
from tests.factories import make_branch, make_hq, make_user
from tests.issuance.factories import make_participants

_codes = itertools.count(1)


@pytest.fixture
def branches(app, db):
    app.config.update(STAFF_POINTS_MAX_ENTRY=10_000, STAFF_POINTS_APPROVAL_THRESHOLD=1_000)
    hq = make_hq()
    return {"hq": hq, "sh": make_branch("SH001", parent=hq), "bj": make_branch("BJ001", parent=hq)}


def campaign_of(db, branch, slug: str) -> Campaign:
    campaign = Campaign(
        slug=slug, name=slug, branch_id=branch.id, widget_type="check_in", draft={}, draft_hash="h"
    )
    db.session.add(campaign)
    db.session.commit()
    return campaign


def join(db, campaign, participant) -> None:
    db.session.add(
        Membership(
            campaign_id=campaign.id,
            participant_id=participant.id,
            referral_code=f"R{next(_codes):07d}",
        )
    )
    db.session.commit()


@pytest.fixture
def sh_customer(db, branches):
    campaign = campaign_of(db, branches["sh"], "sh-checkin")
    [customer] = make_participants(1)
    join(db, campaign, customer)
    return {"campaign": campaign, "participant": customer}


def entries(db) -> int:
    return db.session.scalar(select(func.count(PointsEntry.id)))


def test_an_operator_of_another_branch_cannot_enter_points(db, branches, sh_customer):
    outsider = make_user("operator", branch=branches["bj"])
    with pytest.raises(StaffEntryError, match="^campaign"):
        enter_points(
            outsider,
            sh_customer["participant"].id,
            100,
            note="deposit",
            campaign_id=sh_customer["campaign"].id,
        )
    assert entries(db) == 0


def test_the_customer_must_have_joined_the_campaign(db, branches, sh_customer):
    operator = make_user("operator", branch=branches["sh"])
    [stranger] = make_participants(1)
    with pytest.raises(StaffEntryError, match="^participant"):
        enter_points(
            operator, stranger.id, 100, note="deposit", campaign_id=sh_customer["campaign"].id
        )
    assert entries(db) == 0


def test_bank_wide_points_are_head_office_only(db, branches, sh_customer):
    pid = sh_customer["participant"].id
    with pytest.raises(StaffEntryError, match="^campaign"):
        enter_points(make_user("operator", branch=branches["sh"]), pid, 100, note="deposit")
    posted = enter_points(make_user("operator", branch=branches["hq"]), pid, 100, note="deposit")
    assert posted["status"] == "posted" and points.balance(pid) == 100


@pytest.mark.parametrize("amount", [10_001, -10_001, 10**12, 0, 2.5, True, "100"])
def test_amounts_beyond_the_cap_or_not_whole_are_refused(db, branches, sh_customer, amount):
    operator = make_user("operator", branch=branches["sh"])
    with pytest.raises(StaffEntryError, match="^amount"):
        enter_points(
            operator,
            sh_customer["participant"].id,
            amount,
            note="deposit",
            campaign_id=sh_customer["campaign"].id,
        )
    assert entries(db) == 0
    assert db.session.scalar(select(func.count(PointsRequest.id))) == 0


def test_only_operators_enter_points(db, branches, sh_customer):
    marketer = make_user("marketer", branch=branches["sh"])
    with pytest.raises(StaffEntryError, match="^role"):
        enter_points(
            marketer,
            sh_customer["participant"].id,
            100,
            note="deposit",
            campaign_id=sh_customer["campaign"].id,
        )


def test_above_the_threshold_a_second_person_must_approve(db, branches, sh_customer):
    pid, cid = sh_customer["participant"].id, sh_customer["campaign"].id
    teller = make_user("operator", branch=branches["sh"])
    held = enter_points(teller, pid, 5_000, note="大额存款 50 万", campaign_id=cid)
    assert held["status"] == "pending" and points.balance(pid) == 0 and entries(db) == 0

    refusers = [
        (teller, "^approver"),  # nobody approves their own entry
        (make_user("operator", branch=branches["bj"]), "^request"),  # another branch
        (make_user("marketer", branch=branches["sh"]), "^role"),  # no right to
    ]
    for who, field in refusers:
        with pytest.raises(StaffEntryError, match=field):
            decide(held["request_id"], who, approve=True)
    assert points.balance(pid) == 0

    supervisor = make_user("operator", branch=branches["sh"])
    decided = decide(held["request_id"], supervisor, approve=True)

    assert decided["status"] == "approved" and points.balance(pid) == 5_000
    entry = db.session.get(PointsEntry, decided["entry_id"])
    assert (entry.delta, entry.campaign_id, entry.source_key) == (
        5_000,
        cid,
        f"points-request:{held['request_id']}",
    )
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("points.%")).order_by(AuditEntry.id)
    ).all()
    assert actions == ["points.request", "points.credit", "points.approve"]
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("points.%"))).all()
    assert {row.branch_id for row in rows} == {branches["sh"].id}
    # the same request cannot be decided twice
    with pytest.raises(StaffEntryError, match="^status"):
        decide(held["request_id"], make_user("admin", branch=branches["hq"]), approve=True)
    assert points.balance(pid) == 5_000 and entries(db) == 1


def test_head_office_approves_a_branch_request(db, branches, sh_customer):
    teller = make_user("operator", branch=branches["sh"])
    held = enter_points(
        teller,
        sh_customer["participant"].id,
        -1_500 + 3_000,
        note="deposit",
        campaign_id=sh_customer["campaign"].id,
    )
    decided = decide(held["request_id"], make_user("admin", branch=branches["hq"]), approve=True)
    assert decided["status"] == "approved"


def test_a_refusal_needs_a_reason_and_posts_nothing(db, branches, sh_customer):
    pid, cid = sh_customer["participant"].id, sh_customer["campaign"].id
    held = enter_points(
        make_user("operator", branch=branches["sh"]), pid, 2_000, note="x", campaign_id=cid
    )
    supervisor = make_user("operator", branch=branches["sh"])
    with pytest.raises(StaffEntryError, match="^reason"):
        decide(held["request_id"], supervisor, approve=False)

    decided = decide(held["request_id"], supervisor, approve=False, reason="no deposit found")

    assert decided == {"request_id": held["request_id"], "status": "refused", "entry_id": None}
    assert points.balance(pid) == 0 and entries(db) == 0
    row = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "points.refuse"))
    assert row.before["status"] == "pending" and row.after["reason"] == "no deposit found"


def test_an_approved_debit_beyond_the_balance_stays_pending(db, branches, sh_customer):
    pid, cid = sh_customer["participant"].id, sh_customer["campaign"].id
    held = enter_points(
        make_user("operator", branch=branches["sh"]), pid, -3_000, note="spend", campaign_id=cid
    )
    supervisor = make_user("operator", branch=branches["sh"])
    with pytest.raises(StaffEntryError, match="^amount"):
        decide(held["request_id"], supervisor, approve=True)
    assert db.session.get(PointsRequest, held["request_id"]).status == "pending"
    assert entries(db) == 0
