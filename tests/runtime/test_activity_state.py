"""What pages read: invitees who joined, check-in days, today's votes, live vote counts."""

import pytest

import widgets
from runtime.publishing import CampaignError, create_campaign
from tests.factories import make_hq
from tests.runtime.conftest import auth, publish


def publish_default(widget_type: str, slug: str):
    bundle = widgets.get(widget_type).default_bundle(slug, "测试", "HQ")
    bundle["schedule"].update(starts_at="2020-01-01T00:00:00", ends_at="2099-01-01T00:00:00")
    return publish(bundle)


def me(client, slug, tok):
    response = client.get(f"/api/v1/campaigns/{slug}/me", headers=auth(tok))
    assert response.status_code == 200, response.json
    return response.json


def test_before_joining_everything_is_empty(client, token):
    publish_default("vote", "vote-a")
    state = me(client, "vote-a", token("nobody"))
    assert state["joined"] is False
    assert state["voted_today"] == [] and state["checkin_days"] == [] and state["referrals"] == 0


def test_votes_today_and_live_counts(client, token):
    campaign = publish_default("vote", "vote-b")
    candidate = str(campaign.draft["widget"]["config"]["candidates"][0]["id"])
    voters = [token("v1"), token("v2")]
    for tok in voters:
        assert client.post("/api/v1/campaigns/vote-b/join", headers=auth(tok)).status_code == 200
        response = client.post(
            "/api/v1/campaigns/vote-b/votes", json={"candidate": candidate}, headers=auth(tok)
        )
        assert response.status_code == 200, response.json
    state = me(client, "vote-b", voters[0])
    assert state["votes_today"] == 1 and state["voted_today"] == [candidate]
    public = client.get("/api/v1/campaigns/vote-b").json
    assert public["vote_counts"] == {candidate: 2}


def test_check_in_days_of_this_month(client, token):
    publish_default("check_in", "checkin-a")
    tok = token("c1")
    client.post("/api/v1/campaigns/checkin-a/join", headers=auth(tok))
    assert me(client, "checkin-a", tok)["checked_in_today"] is False
    assert client.post("/api/v1/campaigns/checkin-a/check-in", headers=auth(tok)).status_code == 200
    state = me(client, "checkin-a", tok)
    assert state["checked_in_today"] is True and len(state["checkin_days"]) == 1


def test_referrals_count_invitees_who_joined(client, token):
    publish_default("invite", "invite-a")
    inviter = token("inviter")
    client.post("/api/v1/campaigns/invite-a/join", headers=auth(inviter))
    code = me(client, "invite-a", inviter)["referral_code"]
    assert me(client, "invite-a", inviter)["referrals"] == 0
    friend = token("friend")
    response = client.post(
        "/api/v1/campaigns/invite-a/join", json={"referral_code": code}, headers=auth(friend)
    )
    assert response.status_code == 200, response.json
    assert me(client, "invite-a", inviter)["referrals"] == 1
    assert me(client, "invite-a", friend)["referrals"] == 0
    assert client.get("/api/v1/campaigns/invite-a").json["vote_counts"] == {}


def test_a_bad_widget_config_is_refused_with_its_path(db):
    make_hq()
    bundle = widgets.get("lucky_wheel").default_bundle("bad-wheel", "x", "HQ")
    bundle["widget"]["config"]["bogus"] = 1
    with pytest.raises(CampaignError) as refused:
        create_campaign(bundle)
    assert "widget.config.bogus" in [e["path"] for e in refused.value.errors]


@pytest.mark.parametrize(("period", "still_voted"), [("day", []), ("once", ["c1"])])
def test_yesterdays_votes_do_not_count_today(client, token, period, still_voted):
    """The daily limit counts today's votes; a candidate taking one vote ever stays voted."""
    from datetime import timedelta

    from core.models import utcnow
    from runtime import loader
    from runtime.activity_state import activity_state
    from tests.loyalty.helpers import join

    bundle = widgets.get("vote").default_bundle("vote-days", "测试", "HQ")
    bundle["schedule"].update(starts_at="2020-01-01T00:00:00", ends_at="2099-01-01T00:00:00")
    bundle["widget"]["config"]["vote_period"] = period
    publish(bundle)
    tok = token("voter")
    pid = join(client, tok, "/api/v1/campaigns/vote-days")
    answer = client.post(
        "/api/v1/campaigns/vote-days/votes", json={"candidate": "c1"}, headers=auth(tok)
    )
    assert answer.status_code == 200, answer.json
    assert (
        me(client, "vote-days", tok)["votes_today"],
        me(client, "vote-days", tok)["voted_today"],
    ) == (1, ["c1"])

    _, live = loader.load("vote-days")
    tomorrow = activity_state(live, pid, utcnow() + timedelta(days=1))
    assert (tomorrow["votes_today"], tomorrow["voted_today"]) == (0, still_voted)
