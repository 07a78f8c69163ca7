"""The rule tester: a sample participant on a future date sees which rules fire and why."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from builder.drafts import new_draft
from rules import load_bundle
from rules.templates import load_template
from rules.tester import SampleParticipant, condition_report, run_trigger, variables_at
from tests.builder.studio import sign_in
from tests.factories import make_hq, make_user

TZ = ZoneInfo("Asia/Shanghai")


def test_bonus_day_rule_fires_only_on_the_18th():
    bundle = load_bundle(load_template("qingdao_checkin"))
    start = datetime.fromisoformat(bundle["schedule"]["starts_at"])
    on_18th = start.replace(day=18, hour=10, tzinfo=TZ)
    on_17th = on_18th.replace(day=17)
    fired = {
        r["id"]
        for r in run_trigger(bundle, "check_in", SampleParticipant(), on_18th)["rules"]
        if r["fired"]
    }
    not_fired = {
        r["id"]
        for r in run_trigger(bundle, "check_in", SampleParticipant(), on_17th)["rules"]
        if r["fired"]
    }
    assert fired - not_fired, "a rule should fire on the 18th and not on the 17th"


def test_condition_report_gives_each_compared_value():
    cond = {
        "all": [
            {"name": "age", "operator": "greater_than", "value": 30},
            {"name": "city", "operator": "equal_to", "value": "青岛"},
        ]
    }
    report = condition_report(cond, {"age": 41, "city": "济南"})
    assert report["result"] is False
    assert [(c["actual"], c["result"]) for c in report["children"]] == [(41, True), ("济南", False)]


def test_crazy_hour_boost_shows_in_the_odds_on_a_friday_evening():
    bundle = load_bundle(load_template("icbc_treasure_dig"))
    start = datetime.fromisoformat(bundle["schedule"]["starts_at"]).replace(tzinfo=TZ)
    friday = start + __import__("datetime").timedelta(days=(4 - start.weekday()) % 7)
    evening, noon = friday.replace(hour=20, minute=30), friday.replace(hour=12)
    sample = SampleParticipant(values={"draws_total": 5})
    boosted = run_trigger(bundle, "draw", sample, evening)["odds"]["entries"]
    plain = run_trigger(bundle, "draw", sample, noon)["odds"]["entries"]
    by_prize = {e["prize"]: e for e in boosted}
    assert any(n.startswith("boost:") for e in boosted for n in e["notes"])
    assert (
        by_prize["phone_credit"]["probability"]
        > {e["prize"]: e for e in plain}["phone_credit"]["probability"]
    )
    assert variables_at(bundle, sample, evening)["active_windows"] == ["crazy_hour"]


def test_tester_page_runs_a_future_date(client, db):
    hq = make_hq()
    user = make_user("marketer", branch=hq)
    campaign = new_draft(user, "template:qingdao_checkin", "tester-page", "签到")
    sign_in(client, user)
    url = f"/studio/campaign/{campaign.id}/test"
    page = client.get(url, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    start = datetime.fromisoformat(campaign.draft["schedule"]["starts_at"])
    moment = start.replace(day=18, hour=9).strftime("%Y-%m-%dT%H:%M")
    page = client.post(
        url,
        data={
            "csrf_token": token,
            "trigger": "check_in",
            "at": moment,
            "chance_kind": "",
            "v_checkin_streak": "6",
        },
        headers={"Accept-Language": "zh-CN"},
    ).get_data(as_text=True)
    assert 'data-fired="yes"' in page, re.findall(r"<li>([^<]{0,200})</li>", page)
    assert "当月几号" in page and "18" in page
    assert "data-actions" in page and "奖励积分" in page


def test_sandbox_plays_the_draft_rules_and_stores_nothing(app, db):
    """The preview's sandbox answers from the draft's rules and odds and writes nothing."""
    from builder.editor.sandbox import initial_state, play
    from core.models import Draw, Reward

    bundle = load_bundle(load_template("icbc_treasure_dig"))
    state = initial_state(bundle)
    assert state["chances"] == {"gold": 3, "silver": 1}
    start = datetime.fromisoformat(bundle["schedule"]["starts_at"]).replace(tzinfo=TZ, hour=10)
    answer = play(bundle, "draw", state, {"chance_kind": "gold"}, start)
    assert answer["prize"] is not None and not answer["prize"]["fallback"]  # first draws win
    shared = play(bundle, "share", state, {}, start)
    assert {"name": "grant_chances", "params": {"kind": "silver", "count": 1}} in shared["actions"]
    state["shares_today"] = 3
    assert play(bundle, "share", state, {}, start)["actions"] == []  # at most 3 a day
    assert db.session.query(Draw).count() == 0 and db.session.query(Reward).count() == 0


def test_sandbox_endpoint_needs_the_csrf_token(client, db):
    hq = make_hq()
    user = make_user("marketer", branch=hq)
    campaign = new_draft(user, "template:icbc_treasure_dig", "sandbox-csrf", "挖宝")
    sign_in(client, user)
    url = f"/studio/campaign/{campaign.id}/sandbox/draw"
    body = {"state": {"chances": {"gold": 1}, "draws": 0}, "body": {"chance_kind": "gold"}}
    assert client.post(url, json=body).status_code == 400
    page = client.get(f"/studio/campaign/{campaign.id}/preview/page").get_data(as_text=True)
    token = re.search(r'"csrf": "([^"]+)"', page).group(1)
    answer = client.post(url, json=body, headers={"X-CSRFToken": token}).get_json()
    assert answer["trigger"] == "draw" and answer["prize"]["key"]


def test_the_preview_banner_speaks_of_draws_only_where_the_page_draws(client, db):
    hq = make_hq()
    user = make_user("marketer", branch=hq)
    sign_in(client, user)
    mall = new_draft(user, "template:points_mall_tasks", "banner-mall", "积分商城")
    dig = new_draft(user, "template:icbc_treasure_dig", "banner-dig", "挖宝")
    page = client.get(f"/studio/campaign/{mall.id}/preview/page").get_data(as_text=True)
    assert "草稿预览 · 按草稿的规则响应,不记录、不发放" in page and "抽奖" not in page
    page = client.get(f"/studio/campaign/{dig.id}/preview/page").get_data(as_text=True)
    assert "草稿预览 · 按草稿的规则和概率抽奖" in page
