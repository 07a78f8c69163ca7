"""The campaign page in the studio: workflow steps over HTTP, CSRF, JSON editing, simulation."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from builder.drafts import new_draft
from core.models import Campaign
from tests.builder import studio
from tests.factories import make_branch, make_hq, make_user

PASSWORD = "password-123"


def sign_in(client, user):
    studio.sign_in(client, user, PASSWORD)


def csrf(client, url):
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert match
    return match.group(1)


@pytest.fixture
def setup(db):
    hq = make_hq()
    hq.approval_levels = 1
    db.session.commit()
    marketer = make_user("marketer", branch=hq)
    campaign = new_draft(marketer, "template:qingdao_checkin", "checkin-page", "签到页测试")
    return {
        "marketer": marketer,
        "approver": make_user("approver", branch=hq),
        "campaign": campaign,
    }


def test_marketer_sees_the_page_and_submits(client, setup):
    campaign = setup["campaign"]
    sign_in(client, setup["marketer"])
    url = f"/studio/campaign/{campaign.id}"
    page = client.get(url).get_data(as_text=True)
    assert "签到页测试" in page and "提交审批" in page
    assert client.post(f"{url}/submit", data={}).status_code == 400  # no CSRF token
    response = client.post(f"{url}/submit", data={"csrf_token": csrf(client, url)})
    assert response.status_code == 302
    assert client.get(url).get_data(as_text=True).count('data-review="submitted"') == 1


def test_approver_approves_and_publishes_over_http(client, db, setup):
    campaign = setup["campaign"]
    sign_in(client, setup["marketer"])
    url = f"/studio/campaign/{campaign.id}"
    client.post(f"{url}/submit", data={"csrf_token": csrf(client, url)})
    studio.sign_out(client)
    sign_in(client, setup["approver"])
    client.post(f"{url}/approve", data={"csrf_token": csrf(client, url)})
    client.post(f"{url}/publish", data={"csrf_token": csrf(client, url), "reason": "ok"})
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status == "live"
    client.post(f"{url}/pause", data={"csrf_token": csrf(client, url)})
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status == "paused"


def test_json_editor_lists_problems_and_saves_nothing(client, db, setup):
    campaign = setup["campaign"]
    before = campaign.draft_hash
    sign_in(client, setup["marketer"])
    url = f"/studio/campaign/{campaign.id}/json"
    token = csrf(client, url)
    page = client.post(url, data={"csrf_token": token, "bundle": "{not json"}).get_data(
        as_text=True
    )
    assert "line 1" in page
    bad = client.get(url).get_data(as_text=True)
    assert "prizes" in bad
    page = client.post(
        url,
        data={
            "csrf_token": token,
            "bundle": '{"format": "campaign-bundle/1", "slug": "checkin-page"}',
        },
    ).get_data(as_text=True)
    assert "schedule" in page and "Missing data" in page
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).draft_hash == before


def test_simulation_page_shows_shares_charts_and_a_csv(client, setup):
    campaign = setup["campaign"]
    sign_in(client, setup["marketer"])
    url = f"/studio/campaign/{campaign.id}/simulate"
    form = client.get(url).get_data(as_text=True)
    assert 'id="simulation-form"' in form and "data-simulation-title" not in form
    query = "?participants=2000&mix=default"
    page = client.get(url + query).get_data(as_text=True)
    assert "data-simulation-title" in page and 'id="simulation-data"' in page
    assert "echarts.min.js" in page and "%" in page
    answer = client.get(url + query + "&format=csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    lines = answer.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert len(lines) > len(campaign.draft["prizes"]) + 3
    days = [line for line in lines if re.match(r"^\d{4}-\d{2}-\d{2},", line)]
    assert days and sum(int(line.split(",")[1]) for line in days) > 0
    assert client.get(url + "?participants=0&mix=default").status_code == 200  # refused, shown


def test_new_campaign_from_a_widget_default(client, db, setup):
    sign_in(client, setup["marketer"])
    token = csrf(client, "/studio/campaign/new")
    response = client.post(
        "/studio/campaign/new",
        data={
            "csrf_token": token,
            "start": "widget:lucky_wheel",
            "slug": "wheel-one",
            "name": "大转盘",
        },
    )
    assert response.status_code == 302
    created = db.session.scalar(select(Campaign).where(Campaign.slug == "wheel-one"))
    assert (
        created is not None and created.widget_type == "lucky_wheel" and created.status == "draft"
    )
    page = client.post(
        "/studio/campaign/new",
        data={"csrf_token": token, "start": "widget:lucky_wheel", "slug": "Bad Slug", "name": "x"},
    ).get_data(as_text=True)
    assert "slug" in page


def test_new_campaign_from_the_points_mall_template(client, db, setup):
    """The templates are offered in Chinese and English, as the widgets are; the points mall
    with tasks starts a draft with its rights and tasks."""
    sign_in(client, setup["marketer"])
    page = client.get("/studio/campaign/new").get_data(as_text=True)
    assert "积分商城·任务中心 / Points Mall &amp; Task Centre" in page
    assert "青豆赢好礼 / Green Beans Check-in" in page
    data = {"csrf_token": csrf(client, "/studio/campaign/new"), "slug": "sh-mall", "name": "积分"}
    response = client.post(
        "/studio/campaign/new", data={**data, "start": "template:points_mall_tasks"}
    )
    assert response.status_code == 302
    created = db.session.scalar(select(Campaign).where(Campaign.slug == "sh-mall"))
    assert created.widget_type == "points_mall" and created.draft["name"] == "积分"
    assert len(created.draft["mall"]["items"]) == 4 and len(created.draft["tasks"]) == 4


def test_the_starting_points_are_grouped_templates_then_blank_widgets(client, db, setup):
    """Seed templates and blank widgets have near-identical names (人脉挖宝 / Treasure Dig):
    each sits in its own group, so the marketer sees which is which."""
    sign_in(client, setup["marketer"])
    page = client.get("/studio/campaign/new").get_data(as_text=True)
    assert '<optgroup label="模板(来自真实活动)" data-start-group="template">' in page
    templates, widgets = page.split('<optgroup label="空白组件" data-start-group="widget">')
    assert 'value="template:points_mall_tasks"' in templates
    assert 'value="widget:' not in templates and 'value="template:' not in widgets
    assert 'value="widget:lucky_wheel"' in widgets


def test_a_template_starts_today_and_a_taken_slug_is_named_by_its_label(client, db, setup):
    """The seed templates' dates are the seed campaigns' own (long past): a new draft starts
    today in the campaign's zone and runs as long as the seed did. A code already used is
    refused in the page's language, naming the field as the form labels it."""
    sign_in(client, setup["marketer"])
    data = {"csrf_token": csrf(client, "/studio/campaign/new"), "name": "橙券 QA"}
    data.update(start="template:decent_lottery", slug="sh-wheel-qa")
    assert client.post("/studio/campaign/new", data=data).status_code == 302
    created = db.session.scalar(select(Campaign).where(Campaign.slug == "sh-wheel-qa"))
    schedule = created.draft["schedule"]
    today = datetime.now(ZoneInfo(schedule["timezone"])).date()
    assert schedule["starts_at"] == f"{today.isoformat()}T00:00:00"
    assert schedule["ends_at"] == f"{(today + timedelta(days=30)).isoformat()}T00:00:00"

    page = client.post("/studio/campaign/new", data=data).get_data(as_text=True)
    assert "活动代码: 已有活动使用“sh-wheel-qa”,请换一个。" in page, re.findall(
        r"alert-danger[^>]*>([^<]*)", page
    )
    assert "already exists" not in page and "slug:" not in page
    client.get("/studio/language/en")
    page = client.post("/studio/campaign/new", data=data).get_data(as_text=True)
    assert "Slug: A campaign already uses &#39;sh-wheel-qa&#39;; choose another." in page


def test_simulating_a_page_that_does_not_draw_says_so_instead_of_empty_charts(client, setup):
    campaign = new_draft(setup["marketer"], "template:points_mall_tasks", "sim-mall", "积分商城")
    sign_in(client, setup["marketer"])
    url = f"/studio/campaign/{campaign.id}/simulate"
    for page in (client.get(url), client.get(url + "?participants=10000&mix=default")):
        page = page.get_data(as_text=True)
        assert "data-simulation-not-applicable" in page
        assert "抽奖模拟不适用于本活动:它的页面(积分商城)没有抽奖。" in page
        assert "大转盘" in page  # what the simulation is for: the pages that draw
        assert 'id="simulation-form"' not in page and "data-simulation-title" not in page
        assert "echarts" not in page


def test_a_page_without_prizes_says_so_instead_of_an_empty_table(client, setup):
    campaign = new_draft(setup["marketer"], "template:points_mall_tasks", "page-mall", "积分商城")
    wheel = new_draft(setup["marketer"], "widget:lucky_wheel", "page-wheel", "转盘")
    sign_in(client, setup["marketer"])
    page = client.get(f"/studio/campaign/{campaign.id}").get_data(as_text=True)
    assert "data-no-prizes" in page and "暂无奖品。" in page and "<th>权重</th>" not in page
    page = client.get(f"/studio/campaign/{wheel.id}").get_data(as_text=True)
    assert "data-no-prizes" not in page and "<th>权重</th>" in page


def test_other_branches_campaigns_are_not_found(client, db, setup):
    other = make_branch("FAR", parent=make_hq())
    outsider = make_user("marketer", branch=other)
    sign_in(client, outsider)
    assert client.get(f"/studio/campaign/{setup['campaign'].id}").status_code == 404


def test_json_editor_refuses_duplicate_keys_and_infinity(client, db, setup):
    """The editor reads bundle text like the CLI does (rules/json_text.py): a repeated key or a
    non-finite number is named with its path, and nothing is saved."""
    import json

    campaign = setup["campaign"]
    before = campaign.draft_hash
    sign_in(client, setup["marketer"])
    url = f"/studio/campaign/{campaign.id}/json"
    token = csrf(client, url)
    text = json.dumps(campaign.draft, ensure_ascii=False)
    twice = text.replace('"prizes": [{', '"prizes": [{"key": "dup", ', 1)
    assert twice != text
    page = client.post(url, data={"csrf_token": token, "bundle": twice}).get_data(as_text=True)
    assert "prizes[0]" in page and "appears twice" in page
    infinite = text.replace('"weight": ', '"weight": Infinity, "x": ', 1)
    page = client.post(url, data={"csrf_token": token, "bundle": infinite}).get_data(as_text=True)
    assert "Infinity is not a JSON number" in page
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).draft_hash == before
