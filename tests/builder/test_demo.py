"""Demo data: idempotent, live campaigns around today, participant links with valid tokens."""

from datetime import datetime
from zoneinfo import ZoneInfo

import jwt
import pytest
from sqlalchemy import func, select

from builder.demo import DEMO_CHANNEL, demo_links, load_demo
from builder.demo_campaigns import DEMO_TEMPLATES, around_today
from core.accounts import secret_for
from core.models import Campaign, CampaignVersion, Channel
from rules.templates import load_template


def test_demo_publishes_every_seed_campaign_once(db):
    first = load_demo()
    assert first["campaigns"] == len(DEMO_TEMPLATES)
    assert load_demo()["campaigns"] == 0
    live = db.session.scalars(select(Campaign).where(Campaign.status == "live")).all()
    assert len(live) == len(DEMO_TEMPLATES)
    assert db.session.scalar(select(func.count()).select_from(CampaignVersion)) == len(
        DEMO_TEMPLATES
    )
    assert "icbc-treasure-dig" in {c.slug for c in live}


def test_demo_fills_the_coupon_pools_its_prizes_draw_from_once(db):
    from builder.demo_campaigns import demo_pools
    from runtime.issuance.coupons import pool_stats

    assert load_demo()["coupon_pools"] == len(demo_pools()) > 0
    assert load_demo()["coupon_pools"] == 0
    assert "phone-credit-10" in demo_pools()  # the ICBC dig's phone credit
    for key, (_name, stock) in demo_pools().items():
        stats = pool_stats(db.session, key)
        assert stats is not None, key
        assert stats["total"] == min(stock or 2000, 2000), (key, stats)


def test_demo_has_a_rights_library_in_every_category_once(db):
    from builder.demo_campaigns import demo_pools
    from builder.rights import low_stock, right_reward
    from core.models import Right
    from rules.rewards import check_reward

    assert load_demo()["rights"] >= 50
    assert load_demo()["rights"] == 0
    rights = db.session.scalars(select(Right)).all()
    assert {r.category for r in rights} >= {
        "phone_credit",
        "mobile_data",
        "e_card",
        "fuel_card",
        "video_membership",
    }
    for right in rights:
        assert list(check_reward(right_reward(right), right.key)) == [], right.key
    # the demo campaigns' pools are rights too, and one right is low on purpose
    assert set(demo_pools()) <= {r.pool_key for r in rights}
    alerts = low_stock({r.branch_id for r in rights})
    assert [a["right"].key for a in alerts] == ["iqiyi-1m"]


def test_demo_links_carry_a_token_signed_by_the_demo_channel(db):
    load_demo()
    links = demo_links("http://127.0.0.1:5000")
    assert len(links) == len(DEMO_TEMPLATES)
    channel = db.session.scalar(select(Channel).where(Channel.name == DEMO_CHANNEL))
    for _name, url in links:
        path, token = url.split("#token=")
        assert path.startswith("http://127.0.0.1:5000/c/")
        claims = jwt.decode(token, secret_for(channel), algorithms=["HS256"])
        assert claims["iss"] == channel.key


def test_around_today_makes_the_campaign_live_now_and_keeps_one_off_windows_inside():
    bundle = around_today(load_template("pingan_vote_invite"))
    zone = ZoneInfo(bundle["schedule"]["timezone"])
    now = datetime.now(zone).replace(tzinfo=None)
    start = datetime.fromisoformat(bundle["schedule"]["starts_at"])
    end = datetime.fromisoformat(bundle["schedule"]["ends_at"])
    assert start < now < end
    for window in bundle["schedule"]["windows"]:
        if "dates" in window:
            assert start <= datetime.fromisoformat(window["dates"]["from"]) < end


def play_once(client, slug: str, headers: dict):
    """The page's first action: a draw when there is a chance, else the widget's own action."""
    import widgets

    view = client.get(f"/api/v1/campaigns/{slug}").json
    actions = widgets.get(view["widget"]["type"]).actions
    me = client.get(f"/api/v1/campaigns/{slug}/me", headers=headers).json
    if "draw" in actions and sum(me["chances"].values()) > 0:
        return client.post(f"/api/v1/campaigns/{slug}/draw", headers=headers, json={})
    if "check_in" in actions:
        return client.post(f"/api/v1/campaigns/{slug}/check-in", headers=headers, json={})
    if "vote" in actions:
        candidate = view["widget"]["config"]["candidates"][0]["id"]
        body = {"candidate": candidate}
        return client.post(f"/api/v1/campaigns/{slug}/votes", headers=headers, json=body)
    body = {"share_channel": "wechat_friend"}
    return client.post(f"/api/v1/campaigns/{slug}/share", headers=headers, json=body)


def test_every_printed_demo_link_can_be_played(db, client):
    """Each link `studio up` prints joins its own campaign (its audience lets the demo token's
    participant in) and takes one action there."""
    load_demo()
    links = demo_links("http://127.0.0.1:5000")
    assert len(links) == len(DEMO_TEMPLATES)
    played = {}
    for name, url in links:
        path, token = url.split("#token=")
        slug = path.rsplit("/c/", 1)[1]
        headers = {"Authorization": f"Bearer {token}"}
        joined = client.post(f"/api/v1/campaigns/{slug}/join", headers=headers, json={})
        assert joined.status_code == 200, (name, joined.json)
        answer = play_once(client, slug, headers)
        assert answer.status_code in (200, 201), (name, answer.json)
        played[slug] = answer.json
    draws = [a for a in played.values() if "draw_id" in a]
    assert len(draws) >= 2 and all(a["won"] for a in draws)


@pytest.mark.parametrize("name", DEMO_TEMPLATES)
def test_published_demo_campaigns_are_within_budget_as_the_studio_simulates_them(name):
    """A simulation of 100,000 draws (seed 0, the demo's code pools) of every demo campaign
    stays within its budget: the demo publishes nothing a simulation shows over budget."""
    from builder.demo_campaigns import DEMO_CODES_PER_POOL, demo_pools
    from rules import simulate

    SIMULATION_DRAWS = 100_000
    pools = {
        k: min(stock or DEMO_CODES_PER_POOL, DEMO_CODES_PER_POOL)
        for k, (_, stock) in demo_pools().items()
    }
    report = simulate(around_today(load_template(name)), draws=SIMULATION_DRAWS, pools=pools)
    assert report.draws == SIMULATION_DRAWS
    assert not report.over_budget, (report.expected_cost, report.budget)
