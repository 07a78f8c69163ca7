"""The approval workflow: levels per branch, no self-approval, edits reset approvals, audited."""

import copy

import pytest
from sqlalchemy import select

from builder.approvals import ReviewError, current_decisions, decide, publish_approved, submit
from builder.drafts import new_draft, save_draft
from core.models import AuditEntry, CampaignVersion
from tests.factories import make_branch, make_hq, make_user


@pytest.fixture
def org(db):
    hq = make_hq()
    hq.approval_levels = 2
    branch = make_branch("SH001", parent=hq, approval_levels=2)
    other = make_branch("BJ001", parent=hq)
    db.session.commit()
    return {
        "hq": hq,
        "branch": branch,
        "marketer": make_user("marketer", branch=branch),
        "approver1": make_user("approver", branch=branch),
        "approver2": make_user("approver", branch=hq),
        "outsider": make_user("approver", branch=other),
    }


@pytest.fixture
def campaign(org):
    return new_draft(org["marketer"], "template:icbc_treasure_dig", "dig-test", "挖宝测试")


def test_two_levels_then_publish(db, org, campaign):
    submit(campaign, org["marketer"])
    assert campaign.review_status == "submitted" and campaign.status == "pending_approval"
    decide(campaign, org["approver1"], approve=True)
    assert campaign.review_status == "submitted"  # one of two levels
    decide(campaign, org["approver2"], approve=True)
    assert campaign.review_status == "approved"
    version = publish_approved(campaign, org["approver2"], note="go live")
    assert campaign.status == "live" and campaign.review_status == "published"
    assert [a["approver"] for a in version.approvals] == [
        org["approver1"].username,
        org["approver2"].username,
    ]
    actions = set(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_id == str(campaign.id))
        )
    )
    assert {"campaign.submit", "campaign.approve", "campaign.publish"} <= actions


def test_publishing_needs_every_level(db, org, campaign):
    submit(campaign, org["marketer"])
    decide(campaign, org["approver1"], approve=True)
    with pytest.raises(ReviewError):
        publish_approved(campaign, org["approver2"])
    assert db.session.scalar(select(CampaignVersion.id)) is None


def test_one_person_cannot_approve_two_levels_or_their_own_submission(org, campaign):
    submit(campaign, org["marketer"])
    decide(campaign, org["approver1"], approve=True)
    with pytest.raises(ReviewError, match="already approved"):
        decide(campaign, org["approver1"], approve=True)
    admin = make_user("admin", branch=org["hq"])
    campaign.review_status = "editing"
    save_draft(campaign, {**campaign.draft, "description": "changed"}, admin)
    submit(campaign, admin)
    with pytest.raises(ReviewError, match="submitted this draft"):
        decide(campaign, admin, approve=True)


def test_roles_and_branches_are_enforced(org, campaign):
    with pytest.raises(ReviewError, match="role"):
        submit(campaign, org["approver1"])  # approvers do not author drafts
    submit(campaign, org["marketer"])
    with pytest.raises(ReviewError, match="role"):
        decide(campaign, org["marketer"], approve=True)
    with pytest.raises(ReviewError, match="outside yours"):
        decide(campaign, org["outsider"], approve=True)


def test_an_edit_after_submission_resets_the_approvals(db, org, campaign):
    submit(campaign, org["marketer"])
    decide(campaign, org["approver1"], approve=True)
    changed = copy.deepcopy(campaign.draft)
    changed["prizes"][0]["weight"] = changed["prizes"][0]["weight"] + 1
    save_draft(campaign, changed, org["marketer"])
    assert campaign.review_status == "editing"
    assert current_decisions(campaign) == []
    with pytest.raises(ReviewError):
        decide(campaign, org["approver2"], approve=True)


def test_sending_back_needs_a_reason(org, campaign):
    submit(campaign, org["marketer"])
    with pytest.raises(ReviewError, match="why"):
        decide(campaign, org["approver1"], approve=False, reason="  ")
    decide(campaign, org["approver1"], approve=False, reason="奖品成本过高")
    assert campaign.review_status == "rejected" and campaign.status == "draft"


def test_nothing_to_submit_when_the_draft_equals_live(org, campaign):
    submit(campaign, org["marketer"])
    decide(campaign, org["approver1"], approve=True)
    decide(campaign, org["approver2"], approve=True)
    publish_approved(campaign, org["approver1"])
    with pytest.raises(ReviewError, match="same as the live"):
        submit(campaign, org["marketer"])
