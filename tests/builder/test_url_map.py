"""Walk every studio URL the app serves (so a new page is covered the day it is added):
anonymously nothing opens, and an administrator of another branch, with valid CSRF tokens of
their own, neither reads nor changes anything of SH001's."""

from __future__ import annotations

from datetime import date

import pytest
from flask import url_for
from sqlalchemy import func, select

from builder.drafts import new_draft
from core.models import (
    AudienceListVersion,
    AuditEntry,
    Branch,
    CalendarEntry,
    CampaignVersion,
    Channel,
    Membership,
    Participant,
    PointsRequest,
    Reward,
    Right,
    User,
)
from runtime.publishing import publish_campaign, update_draft
from tests.builder.studio import ADMIN_TOKEN, csrf_from, sign_in
from tests.factories import (
    make_audience_list,
    make_branch,
    make_channel,
    make_hq,
    make_user,
)

PUBLIC = {"studio_auth.login", "studio_auth.set_language", "admin.static", "studio_static.static"}
SECRETS = ("VIP-SECRET-0001", "sh-secret-campaign", "sh-hidden-user", "上海秘密")


def studio_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/studio") and rule.endpoint not in PUBLIC
    ]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_no_studio_url_opens_without_sign_in(app, client, db, method):
    rules = [r for r in studio_rules(app) if method in r.methods]
    assert len(rules) > 20  # the walk really covers the studio
    for rule in rules:
        values = {arg: SAMPLE_ARGS.get(arg, "1") for arg in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        answer = client.open(url, method=method)
        if answer.status_code == 302:
            assert "/studio/login" in answer.headers["Location"], (method, url)
        else:
            assert answer.status_code in (400, 401, 404, 405), (method, url, answer.status_code)


SAMPLE_ARGS = {
    "step": "submit",
    "action": "retry",
    "decision": "approve",
    "export_type": "csv",
    "key": "prizes",  # a campaign editor section (and wizard step)
    "list_id": "1",  # an audience list
    "channel_id": "1",
    "table": "daily",  # a report table's CSV
    "branch_id": "1",
    "entry_id": "1",
}


@pytest.fixture
def sh001(db):
    """SH001's world: a published campaign with a whitelist, a reward, a staff user, a points
    request, and their audit rows."""
    hq = make_hq()
    sh = make_branch("SH001", parent=hq, name="上海秘密分行")
    insider = make_user("marketer", branch=sh, username="sh-hidden-user")
    campaign = new_draft(insider, "template:qingdao_checkin", "sh-secret-campaign", "上海秘密活动")
    draft = dict(campaign.draft)
    draft["audience"] = {
        **draft.get("audience", {}),
        "whitelist": ["VIP-SECRET-0001"],
        "whitelist_channel": "sh-app",
    }
    update_draft(campaign, draft, insider)
    version = publish_campaign(campaign, insider, note="go")
    channel, _ = make_channel("bank-app")
    secret_list = make_audience_list("上海秘密白名单", ["VIP-SECRET-0001"], channel, branch=sh)
    secret_right = Right(
        key="sh-secret-right", name="上海秘密权益", kind="none", config={}, branch_id=sh.id
    )
    customer = Participant(channel_id=channel.id, external_id="sh-customer")
    db.session.add(customer)
    db.session.flush()
    db.session.add(
        Membership(campaign_id=campaign.id, participant_id=customer.id, referral_code="R0000002")
    )
    reward = Reward(
        source_key="sh:reward",
        campaign_id=campaign.id,
        participant_id=customer.id,
        kind="webhook",
        status="failed",
        attempts=8,
        payload={},
    )
    held = PointsRequest(
        participant_id=customer.id,
        campaign_id=campaign.id,
        branch_id=sh.id,
        amount=9_000,
        note="big",
        requested_by_id=make_user("operator", branch=sh).id,
    )
    plan = CalendarEntry(
        name="上海秘密节点",
        kind="campaign",
        branch_id=sh.id,
        starts_on=date(2026, 12, 1),
        ends_on=date(2026, 12, 31),
    )
    db.session.add_all([reward, held, secret_right, plan])
    db.session.commit()
    return {
        "plan": plan,
        "list": secret_list,
        "right": secret_right,
        "channel": channel,
        "branch": sh,
        "user": insider,
        "campaign": campaign,
        "version": version,
        "reward": reward,
        "request": held,
    }


def world_state(db, sh001) -> tuple:
    db.session.expire_all()
    campaign, user = sh001["campaign"], sh001["user"]
    return (
        campaign.status,
        campaign.review_status,
        campaign.branch_id,
        campaign.draft_hash,
        user.role,
        user.branch_id,
        user.active,
        sh001["branch"].parent_id,
        sh001["branch"].approval_levels,
        db.session.get(Reward, sh001["reward"].id).status,
        db.session.get(PointsRequest, sh001["request"].id).status,
        db.session.scalar(select(func.count(Branch.id))),
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(CampaignVersion.id))),
        db.session.scalar(select(func.count(AudienceListVersion.id))),
        db.session.get(Right, sh001["right"].id).name,
        db.session.get(Channel, sh001["channel"].id).secret_nonce,
        db.session.get(CalendarEntry, sh001["plan"].id).name,
    )


def test_another_branchs_admin_reaches_nothing_of_sh001(app, client, db, sh001):
    bj = make_branch("BJ001", parent=make_hq())
    intruder = make_user("admin", branch=bj)
    ids = {
        "campaigns": sh001["campaign"].id,
        "versions": sh001["version"].id,
        "staff": sh001["user"].id,
        "branches": sh001["branch"].id,
        "rights": sh001["right"].id,
        "audit": db.session.scalar(
            select(AuditEntry.id).where(AuditEntry.action == "campaign.publish")
        ),
    }
    path_args = {
        "campaign_id": sh001["campaign"].id,
        "reward_id": sh001["reward"].id,
        "request_id": sh001["request"].id,
        "version_id": sh001["version"].id,
        "list_id": sh001["list"].id,
        "channel_id": sh001["channel"].id,  # bank-wide: only head office manages channels
        "branch_id": sh001["branch"].id,
        "entry_id": sh001["plan"].id,
    }
    before = world_state(db, sh001)
    sign_in(client, intruder)
    studio_token = csrf_from(client.get("/studio/rewards/points").get_data(as_text=True))
    admin_token = csrf_from(client.get("/studio/branches/new/").get_data(as_text=True), ADMIN_TOKEN)

    visited = 0
    for rule in studio_rules(app):
        if rule.endpoint == "studio_auth.logout":
            continue
        steps = (
            ["submit", "approve", "reject", "publish", "pause", "end", "rollback"]
            if "step" in rule.arguments
            else [None]
        )
        for step in steps:
            values = {arg: path_args.get(arg, SAMPLE_ARGS.get(arg)) for arg in rule.arguments}
            if step:
                values["step"] = step
            blueprint = rule.endpoint.split(".")[0]
            with app.test_request_context():
                url = url_for(rule.endpoint, **values)
            if blueprint in ids and not rule.arguments:
                url += f"?id={ids[blueprint]}"
            for method in ("GET", "POST") if "POST" in rule.methods else ("GET",):
                if method not in rule.methods:
                    continue
                token = admin_token if blueprint in ids else studio_token
                form = {
                    "csrf_token": token,
                    "reason": "x",
                    "version": "1",
                    "rowid": str(ids.get(blueprint, 0)),
                    "action": "delete",
                }
                answer = client.open(url, method=method, data=form if method == "POST" else None)
                visited += 1
                body = answer.get_data(as_text=True)
                leaked = [s for s in SECRETS if s in body]
                assert not leaked, (method, url, answer.status_code, leaked)
                assert answer.status_code != 500, (method, url)

    assert visited > 60
    assert world_state(db, sh001) == before
    written = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.actor_id == intruder.id)
    ).all()
    assert set(written) <= {"user.login"}, written
