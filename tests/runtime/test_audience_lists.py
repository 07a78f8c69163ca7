"""Campaigns name the audience library's whitelists and segments: the names are checked when a
draft is saved (they must exist, be of the right kind and belong to the campaign's branch or an
ancestor), the version is pinned, and joining looks the participant up in the pinned version."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from core.models import Campaign
from runtime.publishing import CampaignError, create_campaign, publish_campaign, update_draft
from tests.factories import (
    add_list_version,
    make_audience_list,
    make_branch,
    make_channel,
    make_hq,
    make_token,
)
from tests.runtime.conftest import auth, base_bundle

AUDIENCE = {"conditions": None, "whitelist": None, "message": "仅限受邀客户"}


def with_refs(slug="vip-draw", branch="HQ", **refs):
    return base_bundle(slug, branch=branch, audience={**AUDIENCE, **refs})


def problems(bundle) -> set[tuple[str, str]]:
    with pytest.raises(CampaignError) as caught:
        create_campaign(bundle)
    return {(e["path"], e["code"]) for e in caught.value.errors}


def test_a_missing_version_is_pinned_to_the_latest_at_save(app, db, channel):
    vip = make_audience_list("VIP 2026", ["a"], channel)
    add_list_version(vip, ["a", "b"])

    campaign = create_campaign(with_refs(whitelist_ref={"name": "VIP 2026"}))

    assert campaign.draft["audience"]["whitelist_ref"] == {"name": "VIP 2026", "version": 2}
    add_list_version(vip, ["c"])
    update_draft(campaign, campaign.draft)  # a pinned version stays as saved
    assert campaign.draft["audience"]["whitelist_ref"]["version"] == 2


def test_references_that_name_nothing_usable_are_refused_with_paths(app, db, channel):
    hq = make_hq()
    sh, bj = make_branch("SH001", parent=hq), make_branch("BJ001", parent=hq)
    make_audience_list("VIP 2026", ["a"], channel, branch=hq)
    make_audience_list("dormant", ["a"], channel, branch=hq, kind="segment")
    make_audience_list("bj-only", ["a"], channel, branch=bj)

    assert problems(with_refs(whitelist_ref={"name": "nobody"})) == {
        ("audience.whitelist_ref.name", "unknown_audience_list")
    }
    # a segment is not a whitelist, nor the reverse
    assert problems(with_refs(whitelist_ref={"name": "dormant"})) == {
        ("audience.whitelist_ref.name", "unknown_audience_list")
    }
    assert problems(with_refs(segment_ref={"name": "VIP 2026"})) == {
        ("audience.segment_ref.name", "unknown_audience_list")
    }
    # Beijing's list is not Shanghai's to use; head office's serves every branch
    assert problems(with_refs(branch="SH001", whitelist_ref={"name": "bj-only"})) == {
        ("audience.whitelist_ref.name", "unknown_audience_list")
    }
    assert problems(with_refs(whitelist_ref={"name": "VIP 2026", "version": 7})) == {
        ("audience.whitelist_ref.version", "unknown_list_version")
    }
    assert problems(
        with_refs(whitelist=["x"], whitelist_channel="web", whitelist_ref={"name": "VIP 2026"})
    ) == {("audience.whitelist_ref", "whitelist_twice")}
    assert db.session.scalar(select(func.count(Campaign.id))) == 0  # nothing half-written
    assert create_campaign(with_refs(branch=sh.code, whitelist_ref={"name": "VIP 2026"}))


def test_join_admits_the_pinned_version_s_members_of_its_channel_only(app, client, db, channel):
    other_channel, _ = make_channel("wechat")
    vip = make_audience_list("VIP 2026", ["alice", "bob"], channel)
    campaign = create_campaign(with_refs(whitelist_ref={"name": "VIP 2026"}))
    publish_campaign(campaign)

    def join(chan, sub):
        token = make_token(chan, sub)
        db.session.commit()
        return client.post("/api/v1/campaigns/vip-draw/join", headers=auth(token))

    assert join(channel, "alice").status_code == 200
    refused = join(channel, "mallory")
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "not_eligible"
    assert refused.get_json()["detail"] == "仅限受邀客户"
    # the same id minted by another channel is another person
    assert join(other_channel, "bob").status_code == 403

    # a new upload does not change the live version's audience: it pins version 1
    add_list_version(vip, ["carol"])
    assert join(channel, "carol").status_code == 403
    assert join(channel, "bob").status_code == 200

    # the marketer saves the audience again (version 2) and it is published
    draft = dict(campaign.draft)
    draft["audience"] = {**draft["audience"], "whitelist_ref": {"name": "VIP 2026"}}
    update_draft(campaign, draft)
    publish_campaign(campaign)
    from runtime.loader import forget

    forget()
    assert join(channel, "carol").status_code == 200
    assert join(channel, "dave").status_code == 403


def test_segment_and_whitelist_both_apply(app, client, db, channel):
    make_audience_list("VIP 2026", ["alice", "bob"], channel)
    make_audience_list("payroll", ["bob", "carol"], channel, kind="segment")
    publish_campaign(
        create_campaign(
            with_refs(whitelist_ref={"name": "VIP 2026"}, segment_ref={"name": "payroll"})
        )
    )
    answers = {}
    for sub in ("alice", "bob", "carol"):
        token = make_token(channel, sub)
        db.session.commit()
        answers[sub] = client.post(
            "/api/v1/campaigns/vip-draw/join", headers=auth(token)
        ).status_code
    assert answers == {"alice": 403, "bob": 200, "carol": 403}


def test_join_looks_up_one_id_not_the_list(app, client, db, channel):
    """100,000 ids in the list; the join reads at most one row of it, by primary key."""
    ids = [f"customer-{n:06d}" for n in range(100_000)]
    make_audience_list("big", ids, channel)
    publish_campaign(create_campaign(with_refs(whitelist_ref={"name": "big"})))
    token = make_token(channel, "customer-054321")
    db.session.commit()

    seen: list[tuple[str, int]] = []
    engine = db.engine

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "audience_members" in statement:
            seen.append((statement, cursor.rowcount))

    event.listen(engine, "after_cursor_execute", capture)
    try:
        answer = client.post("/api/v1/campaigns/vip-draw/join", headers=auth(token))
    finally:
        event.remove(engine, "after_cursor_execute", capture)

    assert answer.status_code == 200
    assert len(seen) == 1
    statement = seen[0][0]
    assert "audience_members.version_id =" in statement
    assert "audience_members.participant =" in statement


def test_prize_right_must_be_in_the_library(app, db):
    from core.models import Right

    hq = make_hq()
    bundle = base_bundle("right-draw")
    bundle["prizes"][0]["right"] = "jd-ecard-50"
    assert problems(bundle) == {("prizes[0].right", "unknown_right")}
    db.session.add(
        Right(key="jd-ecard-50", name="京东E卡", kind="physical", config={}, branch_id=hq.id)
    )
    db.session.commit()
    assert create_campaign(bundle).draft["prizes"][0]["right"] == "jd-ecard-50"
