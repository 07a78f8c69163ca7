"""Demo data: idempotent, live campaigns around today, participant links with valid tokens."""

import jwt
import pytest
from sqlalchemy import func, select

from builder.demo import DEMO_CHANNEL, demo_links, load_demo
from builder.demo_campaigns import DEMO_TEMPLATES
from core.accounts import secret_for
from core.models import Campaign, CampaignVersion, Channel
from rules.templates import around_today, load_template


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


def test_the_demo_marketer_has_their_branchs_campaigns_to_work_on(db, client):
    """The demo's marketer works at the Shanghai branch and sees Shanghai's live demo
    campaigns (head office's stay out of their subtree); every other campaign is head
    office's."""
    from builder.demo import DEMO_USERS
    from builder.demo_campaigns import DEMO_OWNERS
    from tests.builder.studio import sign_in

    load_demo()
    owners = {c.slug: c.branch.code for c in db.session.scalars(select(Campaign))}
    shanghai = {load_template(name)["slug"] for name in DEMO_OWNERS}
    assert {slug for slug, code in owners.items() if code == "SH001"} == shanghai
    assert {code for slug, code in owners.items() if slug not in shanghai} == {"HQ"}
    [(username, password)] = [(u, p) for u, p, role, _ in DEMO_USERS if role == "marketer"]
    sign_in(client, username, password)
    listed = client.get("/studio/campaigns/").get_data(as_text=True)
    mine = [c.name for c in db.session.scalars(select(Campaign)) if c.slug in shanghai]
    others = [c.name for c in db.session.scalars(select(Campaign)) if c.slug not in shanghai]
    assert len(mine) == 2 and all(name in listed for name in mine)
    assert not any(name in listed for name in others)


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


# a campaign without prizes (the points mall) has nothing to draw
DRAWING_TEMPLATES = [n for n in DEMO_TEMPLATES if load_template(n)["prizes"]]


@pytest.mark.parametrize("name", DRAWING_TEMPLATES)
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


MALL_SLUG = "points-mall-tasks"


def test_demo_publishes_a_points_mall_with_tasks_badges_and_coded_pools(db):
    """The loyalty campaign is live with its mall rights (stock kept per right) and its tasks
    (each with a badge), and every code pool its rights draw from has codes and a right."""
    from builder.demo_campaigns import coupon_rewards
    from core.models import MallStock, Right
    from runtime.issuance.coupons import pool_stats

    load_demo()
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == MALL_SLUG))
    assert campaign is not None and campaign.status == "live"
    snapshot = campaign.published_version.snapshot
    assert snapshot["widget"]["type"] == "points_mall"
    items = {i["key"]: i for i in snapshot["mall"]["items"]}
    assert 3 <= len(items) <= 5 and all(i["price"] > 0 for i in items.values())
    kinds = {(i.get("reward") or i["choices"][0]["reward"])["kind"] for i in items.values()}
    assert {"coupon_code", "physical"} <= kinds
    stocked = set(
        db.session.scalars(select(MallStock.item_key).where(MallStock.campaign_id == campaign.id))
    )
    assert stocked == set(items)
    tasks = snapshot["tasks"]
    assert 3 <= len(tasks) <= 4 and all(t["badge"]["name"] and t["points"] for t in tasks)
    assert {t["event"] for t in tasks} >= {"account_opened", "transaction", "referral"}
    pools = {r["pool"] for r in coupon_rewards(snapshot)}
    assert len(pools) >= 2
    for pool in pools:
        assert pool_stats(db.session, pool)["total"] > 0, pool
    assert pools <= {r.pool_key for r in db.session.scalars(select(Right))}


def test_a_demo_participant_earns_points_and_exchanges_them_for_a_coded_right(app, db, client):
    """The printed link's participant joins (the welcome points), does a task reported by the
    bank (its badge and points), and exchanges points in the mall for a phone-credit code from
    the demo's pool."""
    from runtime.issuance.loop import IssuanceLoop
    from tests.loyalty.helpers import send_event

    load_demo()
    html = client.get(f"/c/{MALL_SLUG}").get_data(as_text=True)  # the H5 page: rights, tasks
    assert "10元话费券" in html and "视频会员月卡" in html and "开通手机银行" in html
    [url] = [u for _, u in demo_links("http://127.0.0.1:5000") if f"/c/{MALL_SLUG}#" in u]
    token = url.split("#token=")[1]
    headers = {"Authorization": f"Bearer {token}"}
    api = f"/api/v1/campaigns/{MALL_SLUG}"
    assert client.post(f"{api}/join", headers=headers, json={}).status_code == 200
    channel = db.session.scalar(select(Channel).where(Channel.name == DEMO_CHANNEL))
    sub = jwt.decode(token, options={"verify_signature": False})["sub"]
    event = send_event(
        client, channel, "demo-mb-1", "account_opened", sub, account_type="mobile_banking"
    )
    assert event.status_code == 200, event.json
    IssuanceLoop(app).run(burst=True)

    state = client.get(f"{api}/tasks", headers=headers).json
    assert state["badges"]["held"] == ["mobile-banking"]
    mall = client.get(f"{api}/mall", headers=headers).json
    assert mall["balance"] == 1000 + 300  # welcome points and the task's
    answer = client.post(f"{api}/exchanges", headers=headers, json={"item": "phone-credit-10"})
    assert answer.status_code == 200, answer.json
    assert answer.json["points"] == 1000 and answer.json["balance"] == 300
    refused = client.post(f"{api}/exchanges", headers=headers, json={"item": "thermos"})
    assert refused.status_code == 409 and refused.json["code"] == "insufficient_points"

    IssuanceLoop(app).run(burst=True)
    [done] = client.get(f"{api}/exchanges", headers=headers).json["exchanges"]
    assert done["status"] == "issued", done
    assert "DEMO-MALL-PHONE-10-" in str(done["parts"][0]["result"])
