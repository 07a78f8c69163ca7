"""GET /c/<slug>: the published widget page, a 404 page, a not-live page, static assets."""

from __future__ import annotations

import json
import re

from tests.widgets.conftest import widget_bundle


def page_data(html: str) -> dict:
    return json.loads(re.search(r'id="campaign-data">(.*?)</script>', html, re.S).group(1))


def test_unknown_slug_gets_a_phone_friendly_404(client):
    response = client.get("/c/no-such-campaign")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert 'name="viewport"' in html and "未找到该活动" in html


def test_published_page_serves_the_published_version(client, publish, db):
    campaign = publish(widget_bundle("lucky_wheel"))
    campaign.draft = {**campaign.draft, "name": "未发布的新名字"}  # drafts are never served
    db.session.commit()
    response = client.get(f"/c/{campaign.slug}", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = response.get_data(as_text=True)
    data = page_data(html)
    assert data["name"] == "大转盘" and data["type"] == "lucky_wheel"
    assert data["lang"] == "zh" and data["api_base"] == "/api/v1"
    assert [p["key"] for p in data["prizes"]] == [p["key"] for p in campaign.draft["prizes"]]
    assert "weight" not in json.dumps(data["prizes"])


def test_language_follows_the_phone_unless_the_campaign_fixes_it(client, publish):
    auto = publish(widget_bundle("vote", slug="vote-auto"))
    html = client.get(f"/c/{auto.slug}", headers={"Accept-Language": "en-US,en"}).get_data(True)
    assert page_data(html)["lang"] == "en" and "Votes left today" in html

    def fixed(bundle):
        bundle["widget"]["config"]["language"] = "zh"

    zh = publish(widget_bundle("vote", slug="vote-zh", tweak=fixed))
    html = client.get(f"/c/{zh.slug}", headers={"Accept-Language": "en-US,en"}).get_data(True)
    assert page_data(html)["lang"] == "zh"


def test_paused_and_ended_campaigns_show_a_not_live_page(client, publish, db):
    from runtime.campaign_status import end_campaign, pause_campaign

    campaign = publish(widget_bundle("red_packet"))
    pause_campaign(campaign)
    db.session.commit()
    html = client.get(f"/c/{campaign.slug}").get_data(as_text=True)
    assert "活动暂停中" in html and "campaign-data" not in html
    end_campaign(campaign)
    db.session.commit()
    html = client.get(f"/c/{campaign.slug}").get_data(as_text=True)
    assert "活动已结束" in html and "活动规则" in html


def test_not_started_campaign(client, publish):
    def later(bundle):
        bundle["schedule"].update(starts_at="2099-01-01T00:00:00", ends_at="2099-02-01T00:00:00")

    campaign = publish(widget_bundle("nine_grid", tweak=later))
    html = client.get(f"/c/{campaign.slug}").get_data(as_text=True)
    assert "活动尚未开始" in html and "2099-01-01" in html


def test_widget_not_enabled_is_not_served(app, client, publish):
    campaign = publish(widget_bundle("invite"))
    app.config["STUDIO_WIDGETS"] = ["lucky_wheel"]
    assert client.get(f"/c/{campaign.slug}").status_code == 404


def test_static_assets_are_served_with_long_cache_when_versioned(client):
    response = client.get("/w/static/common/page.js?v=abc")
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert client.get("/w/static/../base.py").status_code == 404
