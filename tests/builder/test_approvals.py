"""The approval chain on the branch tree: each level decided at its branch of the owner's
ancestry (branch -> region -> head office), one person per level, never the draft's author;
rollbacks go through the same chain; the submitter is told of each decision."""

import copy
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from builder.approvals import (
    ReviewError,
    current_decisions,
    decide,
    draft_authors,
    publish_approved,
    request_rollback,
    submit,
)
from builder.drafts import new_draft, save_draft
from builder.notices import mark_read, notices_for, unread_count
from builder.review_chain import level_branches
from core.extensions import db as _db
from core.models import Approval, AuditEntry, CampaignVersion
from tests.factories import make_branch, make_hq, make_user


@pytest.fixture
def org(db):
    hq = make_hq()
    region = make_branch("SH001", parent=hq, approval_levels=2, name="上海分行")
    branch = make_branch(
        "SH001-01", level="sub_branch", parent=region, approval_levels=3, name="陆家嘴支行"
    )
    other = make_branch("BJ001", parent=hq, name="北京分行")
    return {
        "hq": hq,
        "region": region,
        "branch": branch,
        "marketer": make_user("marketer", branch=branch),
        "branch_approver": make_user("approver", branch=branch),
        "branch_approver2": make_user("approver", branch=branch),
        "region_approver": make_user("approver", branch=region),
        "hq_approver": make_user("approver", branch=hq),
        "hq_approver2": make_user("approver", branch=hq),
        "outsider": make_user("approver", branch=other),
    }


@pytest.fixture
def campaign(org):
    return new_draft(org["marketer"], "template:icbc_treasure_dig", "dig-test", "挖宝测试")


def approve_all(campaign, org):
    for who in ("branch_approver", "region_approver", "hq_approver"):
        decide(campaign, org[who], approve=True)


def test_levels_follow_the_owning_branchs_ancestry(org):
    branch, region, hq = org["branch"].id, org["region"].id, org["hq"].id
    assert level_branches(branch, 3) == [branch, region, hq]
    assert level_branches(branch, 1) == [branch]
    assert level_branches(region, 3) == [region, hq, hq]  # beyond the top: head office again
    assert level_branches(hq, 2) == [hq, hq]


def test_branch_region_and_head_office_each_decide_their_level(db, org, campaign):
    submit(campaign, org["marketer"])
    assert campaign.review_status == "submitted" and campaign.status == "pending_approval"
    decide(campaign, org["branch_approver"], approve=True)
    decide(campaign, org["region_approver"], approve=True)
    assert campaign.review_status == "submitted"
    decide(campaign, org["hq_approver"], approve=True)
    assert campaign.review_status == "approved"
    version = publish_approved(campaign, org["hq_approver"], note="go live")
    assert campaign.status == "live" and campaign.review_status == "published"
    assert [(a["level"], a["branch_name"], a["approver"]) for a in version.approvals] == [
        (1, "陆家嘴支行", org["branch_approver"].username),
        (2, "上海分行", org["region_approver"].username),
        (3, "总行", org["hq_approver"].username),
    ]
    decisions = db.session.scalars(select(Approval).order_by(Approval.level)).all()
    assert [d.branch_id for d in decisions] == [org["branch"].id, org["region"].id, org["hq"].id]


def test_a_level_is_decided_only_at_its_branch(org, campaign):
    submit(campaign, org["marketer"])
    for who in ("region_approver", "hq_approver"):  # above: they reach it, but not level 1
        with pytest.raises(ReviewError, match="Level 1 of 3") as refused:
            decide(campaign, org[who], approve=True)
        assert refused.value.params["branch"] == "陆家嘴支行"
    with pytest.raises(ReviewError, match="outside yours"):  # outside the ancestry
        decide(campaign, org["outsider"], approve=True)
    decide(campaign, org["branch_approver"], approve=True)
    with pytest.raises(ReviewError, match="Level 2 of 3"):
        decide(campaign, org["hq_approver"], approve=True)
    assert len(current_decisions(campaign)) == 1


def test_a_second_approval_at_the_same_level_is_refused(org, campaign):
    submit(campaign, org["marketer"])
    decide(campaign, org["branch_approver"], approve=True)
    with pytest.raises(ReviewError, match="Level 2 of 3") as refused:
        decide(campaign, org["branch_approver2"], approve=True)
    assert refused.value.params["branch"] == "上海分行"
    with pytest.raises(ReviewError, match="already decided level 1"):
        decide(campaign, org["branch_approver"], approve=True)
    assert len(current_decisions(campaign)) == 1


def test_the_database_keeps_one_decision_per_level_and_round(db, org, campaign):
    submit(campaign, org["marketer"])
    decide(campaign, org["branch_approver"], approve=True)
    db.session.add(
        Approval(
            campaign_id=campaign.id,
            draft_hash=campaign.draft_hash,
            round=campaign.review_round,
            level=1,
            decision="approved",
            decided_by_id=org["branch_approver2"].id,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_nobody_decides_two_levels_at_head_office(db, org):
    marketer = make_user("marketer", branch=org["hq"])
    org["hq"].approval_levels = 2
    db.session.commit()
    campaign = new_draft(marketer, "template:icbc_treasure_dig", "hq-dig", "总行挖宝")
    submit(campaign, marketer)
    decide(campaign, org["hq_approver"], approve=True)
    with pytest.raises(ReviewError, match="already decided level 1"):
        decide(campaign, org["hq_approver"], approve=True)
    decide(campaign, org["hq_approver2"], approve=True)
    assert campaign.review_status == "approved"


def test_the_author_never_decides_any_level(db, org, campaign):
    admin = make_user("admin", branch=org["hq"])
    changed = copy.deepcopy(campaign.draft)
    changed["description"] = "changed by head office"
    save_draft(campaign, changed, admin)  # head office's admin wrote part of this draft
    submit(campaign, org["marketer"])
    assert draft_authors(campaign) == {org["marketer"].id, admin.id}
    decide(campaign, org["branch_approver"], approve=True)
    decide(campaign, org["region_approver"], approve=True)
    with pytest.raises(ReviewError, match="You wrote or submitted"):
        decide(campaign, admin, approve=True)
    with pytest.raises(ReviewError, match="role"):
        decide(campaign, org["marketer"], approve=True)  # marketers do not approve at all
    decide(campaign, org["hq_approver"], approve=True)
    publish_approved(campaign, org["hq_approver"])
    assert draft_authors(campaign) == {org["marketer"].id}  # a publication starts afresh


def test_an_edit_after_submission_resets_the_approvals(db, org, campaign):
    submit(campaign, org["marketer"])
    decide(campaign, org["branch_approver"], approve=True)
    changed = copy.deepcopy(campaign.draft)
    changed["prizes"][0]["weight"] = changed["prizes"][0]["weight"] + 1
    save_draft(campaign, changed, org["marketer"])
    assert campaign.review_status == "editing"
    with pytest.raises(ReviewError):
        decide(campaign, org["region_approver"], approve=True)
    submit(campaign, org["marketer"])
    assert current_decisions(campaign) == []  # a new round starts at level 1
    with pytest.raises(ReviewError, match="Level 1 of 3"):
        decide(campaign, org["region_approver"], approve=True)


def test_sent_back_with_a_reason_then_resubmitted_unchanged_starts_over(org, campaign):
    submit(campaign, org["marketer"])
    with pytest.raises(ReviewError, match="why"):
        decide(campaign, org["branch_approver"], approve=False, reason="  ")
    decide(campaign, org["branch_approver"], approve=True)
    decide(campaign, org["region_approver"], approve=False, reason="奖品成本过高")
    assert campaign.review_status == "rejected" and campaign.status == "draft"
    submit(campaign, org["marketer"])  # the same content, a new round
    assert current_decisions(campaign) == []
    approve_all(campaign, org)
    assert campaign.review_status == "approved"


def test_nothing_to_submit_when_the_draft_equals_live(org, campaign):
    submit(campaign, org["marketer"])
    approve_all(campaign, org)
    publish_approved(campaign, org["hq_approver"])
    with pytest.raises(ReviewError, match="same as the live"):
        submit(campaign, org["marketer"])


def test_a_rollback_goes_through_the_chain(db, org, campaign):
    submit(campaign, org["marketer"])
    approve_all(campaign, org)
    first = publish_approved(campaign, org["hq_approver"])
    changed = copy.deepcopy(campaign.draft)
    changed["prizes"][0]["weight"] = 7
    save_draft(campaign, changed, org["marketer"])
    submit(campaign, org["marketer"])
    approve_all(campaign, org)
    second = publish_approved(campaign, org["hq_approver"])

    request_rollback(campaign, 1, org["marketer"])
    assert campaign.review_status == "submitted" and campaign.rollback_of == 1
    assert campaign.published_version_id == second.id  # version 2 keeps serving
    assert campaign.draft_hash == first.content_hash
    # version 1's approvals were for the same content: they do not count for the rollback
    assert current_decisions(campaign) == []
    with pytest.raises(ReviewError, match="Level 1 of 3"):
        decide(campaign, org["hq_approver"], approve=True)
    with pytest.raises(ReviewError, match="under review"):
        request_rollback(campaign, 2, org["marketer"])
    approve_all(campaign, org)
    third = publish_approved(campaign, org["hq_approver"])
    assert third.number == 3 and third.content_hash == first.content_hash
    assert campaign.rollback_of is None
    rollback = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.rollback"))
    assert rollback.before["fields"] == {f"prizes[{changed['prizes'][0]['key']}].weight": 7}
    assert rollback.after["version"] == 1


def test_an_approver_asking_for_a_rollback_decides_no_level_of_it(db, org, campaign):
    submit(campaign, org["marketer"])
    approve_all(campaign, org)
    publish_approved(campaign, org["hq_approver"])
    changed = copy.deepcopy(campaign.draft)
    changed["description"] = "v2"
    save_draft(campaign, changed, org["marketer"])
    submit(campaign, org["marketer"])
    approve_all(campaign, org)
    publish_approved(campaign, org["hq_approver"])
    request_rollback(campaign, 1, org["branch_approver"])
    with pytest.raises(ReviewError, match="You wrote or submitted"):
        decide(campaign, org["branch_approver"], approve=True)
    decide(campaign, org["branch_approver2"], approve=True)


def test_the_submitter_is_told_of_each_decision_and_the_publication(db, org, campaign):
    marketer = org["marketer"]
    submit(campaign, marketer)
    decide(campaign, org["branch_approver"], approve=False, reason="奖品成本过高")
    submit(campaign, marketer)
    approve_all(campaign, org)
    publish_approved(campaign, org["hq_approver"])
    kinds = [(n.kind, n.level, n.reason) for n in reversed(notices_for(marketer))]
    assert kinds == [
        ("rejected", 1, "奖品成本过高"),
        ("level_approved", 1, None),
        ("level_approved", 2, None),
        ("approved", 3, None),
        ("published", None, None),
    ]
    assert unread_count(marketer) == 5
    assert mark_read(marketer) == 5 and unread_count(marketer) == 0
    # head office's approvers were told only that level 3 waited for them
    assert [(n.kind, n.level) for n in notices_for(org["hq_approver"])] == [("to_decide", 3)]
    _db.session.rollback()
    assert db.session.scalar(select(CampaignVersion.number)) == 1


def test_the_approvers_who_may_decide_the_next_level_are_told_it_waits(app, db, org, campaign):
    """A submission tells each approver of level 1's branch; each approval tells the next
    level's; a rollback is told as one. Nobody else is told (not the region before its turn,
    not the outsider, not the author), and the approver's home lists what the notice says."""
    from flask_babel import refresh

    from builder.homes import waiting_for_me
    from builder.notices import notice_text

    def told() -> dict[str, list[tuple]]:
        return {
            who: [(n.kind, n.level, n.version_number) for n in reversed(notices_for(user))]
            for who, user in org.items()
            if who not in ("hq", "region", "branch") and notices_for(user)
        }

    submit(campaign, org["marketer"])
    first = [("to_decide", 1, None)]
    assert told() == {"branch_approver": first, "branch_approver2": first}
    assert [c for c, _ in waiting_for_me(org["branch_approver"], {org["branch"].id})] == [campaign]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        text = notice_text(notices_for(org["branch_approver"])[0])
    assert text.startswith("挖宝测试: submitted by ") and "level 1 waits for your decision" in text

    decide(campaign, org["branch_approver"], approve=True)
    assert told()["region_approver"] == [("to_decide", 2, None)]
    assert "hq_approver" not in told() and "outsider" not in told()
    decide(campaign, org["region_approver"], approve=True)
    assert told()["hq_approver"] == told()["hq_approver2"] == [("to_decide", 3, None)]
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        refresh()
        text = notice_text(notices_for(org["hq_approver"])[0])
    region = org["region_approver"].display_name or org["region_approver"].username
    assert text == f"挖宝测试:第 2 级已由{region}审批通过,第 3 级等待您审批。"
    decide(campaign, org["hq_approver"], approve=True)
    publish_approved(campaign, org["hq_approver"])
    assert "outsider" not in told()

    changed = copy.deepcopy(campaign.draft)
    changed["description"] = "v2"
    save_draft(campaign, changed, org["marketer"])
    submit(campaign, org["marketer"])
    approve_all(campaign, org)
    publish_approved(campaign, org["hq_approver"])
    for user in org.values():
        if hasattr(user, "username"):
            mark_read(user)
    request_rollback(campaign, 1, org["branch_approver"])
    # the approver who asked wrote the rollback: only the other one may decide level 1
    assert unread_count(org["branch_approver"]) == 0
    [notice] = notices_for(org["branch_approver2"])[:1]
    assert (notice.kind, notice.level, notice.version_number) == ("to_decide", 1, 1)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        assert "asks to roll back to version 1; level 1 waits" in notice_text(notice)
    assert unread_count(org["marketer"]) == 0 and unread_count(org["outsider"]) == 0


def test_a_draft_whose_period_is_over_is_refused_naming_its_end_in_its_zone(db, org, campaign):
    """Submitting a campaign that would never open is refused at its end field, with the end
    and the time now in the campaign's own zone."""
    from builder.approvals import period_over

    bundle = copy.deepcopy(campaign.draft)
    bundle["schedule"].update(starts_at="2026-06-01T00:00:00", ends_at="2026-07-01T00:00:00")
    bundle["schedule"]["timezone"] = "Asia/Shanghai"
    save_draft(campaign, bundle, org["marketer"])
    with pytest.raises(ReviewError) as refused:
        submit(campaign, org["marketer"])
    assert refused.value.field == "schedule.ends_at"
    assert refused.value.params["end"] == "2026-07-01 00:00"
    assert refused.value.params["zone"] == "Asia/Shanghai"
    assert campaign.review_status == "editing" and campaign.review_round in (None, 0)

    end = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)  # midnight in Shanghai
    assert period_over(bundle, end - timedelta(seconds=1)) is None
    over = period_over(bundle, datetime(2026, 12, 1, 22, 8, tzinfo=UTC))
    assert over.params["now"] == "2026-12-02 06:08"  # Shanghai's clock, not UTC's
    assert period_over({"schedule": {"ends_at": "junk"}}) is None  # validation says why


def test_an_approved_draft_whose_period_ended_under_review_is_not_published(db, org, campaign):
    """The end passed while the draft waited for its approvals: publishing is refused with the
    submission's message, and nothing is published."""
    submit(campaign, org["marketer"])
    approve_all(campaign, org)
    schedule = campaign.draft["schedule"]
    end = datetime.fromisoformat(schedule["ends_at"]).replace(tzinfo=ZoneInfo(schedule["timezone"]))
    with pytest.raises(ReviewError) as refused:
        publish_approved(campaign, org["hq_approver"], now=end + timedelta(minutes=1))
    assert refused.value.field == "schedule.ends_at"
    assert refused.value.message.startswith("Ends at {end} ({zone}) has passed")
    assert refused.value.params["end"] == end.strftime("%Y-%m-%d %H:%M")
    _db.session.rollback()
    assert campaign.review_status == "approved" and campaign.published_version_id is None
    assert db.session.scalar(select(CampaignVersion.id)) is None
    assert (
        publish_approved(campaign, org["hq_approver"], now=end - timedelta(minutes=1)).number == 1
    )


def test_a_draft_from_a_template_starts_today(db, org, campaign):
    """The template's own dates (the seed campaign's) are moved: it starts today in its zone,
    for as long as the seed ran, so it can be submitted."""
    from builder.approvals import period_over

    schedule = campaign.draft["schedule"]
    today = datetime.now(ZoneInfo(schedule["timezone"])).date()
    assert schedule["starts_at"] == f"{today.isoformat()}T00:00:00"
    assert schedule["ends_at"] == f"{(today + timedelta(days=34)).isoformat()}T00:00:00"
    assert period_over(campaign.draft) is None
    submit(campaign, org["marketer"])
    assert campaign.review_status == "submitted"


def test_the_approved_notice_says_who_publishes_when_its_reader_may_not(app, db, org, campaign):
    """A marketer may not publish: their notice names the roles that may, and where; an
    administrator who submitted a draft reads that it is ready to publish."""
    from flask_babel import refresh

    from builder.notices import notice_text

    submit(campaign, org["marketer"])
    approve_all(campaign, org)
    admin = make_user("admin", branch=org["branch"])
    own = new_draft(admin, "template:icbc_treasure_dig", "dig-own", "挖宝")
    submit(own, admin)
    approve_all(own, org)
    [marketers] = [n for n in notices_for(org["marketer"]) if n.kind == "approved"]
    [admins] = [n for n in notices_for(admin) if n.kind == "approved"]
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        refresh()
        told, ready = notice_text(marketers), notice_text(admins)
    assert "可以发布" not in told
    assert "等待有发布权限的人员(系统管理员、审批人,陆家嘴支行或其上级机构)发布" in told
    assert ready.endswith("可以发布。")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        told = notice_text(marketers)
    assert "who may publish (Administrator, Approver, at 陆家嘴支行 or above)" in told


def test_the_demo_staff_can_walk_a_change_through_each_chain(db):
    """Head office's campaigns take three head-office approvers other than the author;
    Shanghai's take Shanghai's approver, then head office's."""
    from builder.demo import load_demo
    from core.models import Campaign, User

    load_demo()
    staff = {u.username: u for u in db.session.scalars(select(User))}
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "icbc-treasure-dig"))
    changed = copy.deepcopy(campaign.draft)
    changed["description"] = "demo change"
    save_draft(campaign, changed, staff["admin"])
    submit(campaign, staff["admin"])
    for who in ("approver", "approver2", "approver3"):
        decide(campaign, staff[who], approve=True)
    assert campaign.review_status == "approved"

    draft = new_draft(staff["marketer"], "template:qingdao_checkin", "sh-demo", "上海签到")
    submit(draft, staff["marketer"])
    decide(draft, staff["sh-approver"], approve=True)
    decide(draft, staff["approver"], approve=True)
    assert draft.review_status == "approved"
