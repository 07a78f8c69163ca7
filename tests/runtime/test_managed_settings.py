"""Saving refuses a bundle whose managed rules disagree with its widget settings; a saved
campaign pays what its page shows; check-ins are counted per local calendar month."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.models import Campaign, Reward
from rules.templates import load_template
from runtime import activities, hotstate
from runtime.publishing import CampaignError, create_campaign, update_draft
from tests.factories import make_hq
from tests.runtime.conftest import auth, base_bundle, publish
from widgets import apply_managed

SLUG = "/api/v1/campaigns/test-draw"


def refused(call) -> list[dict]:
    with pytest.raises(CampaignError) as caught:
        call()
    return caught.value.errors


def test_create_refuses_an_edited_managed_rule_with_its_path_and_writes_nothing(db):
    make_hq()
    bundle = load_template("icbc_treasure_dig")
    bundle["rules"][0]["actions"][0]["params"]["count"] = 2  # the page says one shovel a share
    errors = refused(lambda: create_campaign(bundle))
    assert [(e["path"], e["code"]) for e in errors] == [("rules[0]", "widget.managed")]
    assert "'Shovels per share' = 1" in errors[0]["message"]
    assert "actions[0].params.count is 2 in the rule but 1" in errors[0]["message"]
    assert db.session.scalar(select(func.count(Campaign.id))) == 0


def test_the_invite_goal_shown_and_the_goal_paid_cannot_differ(db):
    make_hq()
    bundle = load_template("hengfeng_mgm")
    bundle["widget"]["config"]["goal"] = 3  # the seed's old contradiction: page 3, rule 5
    errors = refused(lambda: create_campaign(bundle))
    assert errors[0]["path"] == "rules[1]"
    assert "'Friends to invite for the gift' = 3" in errors[0]["message"]
    assert "is 5 in the rule but 3" in errors[0]["message"]
    created = create_campaign(apply_managed(bundle))
    goal = next(r for r in created.draft["rules"] if r["id"] == "invite-goal")
    assert goal["conditions"]["all"][0]["value"] == 3


def test_update_draft_refuses_a_setting_changed_alone_and_accepts_it_applied(db):
    make_hq()
    campaign = create_campaign(load_template("qingdao_checkin"))
    bundle = load_template("qingdao_checkin")
    bundle["widget"]["config"]["bonus_points"] = 2000
    errors = refused(lambda: update_draft(campaign, bundle))
    assert errors[0]["path"] == "rules[1]" and "'Bonus-day points' = 2000" in errors[0]["message"]
    db.session.rollback()
    assert campaign.draft["widget"]["config"]["bonus_points"] == 1800
    update_draft(campaign, apply_managed(bundle))
    bonus = campaign.draft["rules"][1]
    assert bonus["id"] == "bonus-day" and bonus["actions"][0]["params"]["amount"] == 2000


def test_a_managed_limit_edited_alone_is_refused(db):
    make_hq()
    bundle = load_template("icbc_treasure_dig")
    bundle["limits"]["shares_rewarded_per_day"] = 10
    errors = refused(lambda: create_campaign(bundle))
    assert [e["path"] for e in errors] == ["limits.shares_rewarded_per_day"]


def _at(monkeypatch, when: datetime) -> None:
    monkeypatch.setattr(activities, "utcnow", lambda: when)


def test_the_check_in_page_shows_the_bonus_the_runtime_pays(client, db, token, monkeypatch):
    widget = {"type": "check_in", "config": {"bonus_points": 2000, "draw_kind": "gold"}}
    campaign = publish(apply_managed(base_bundle(widget=widget)))
    html = client.get(f"/c/{campaign.slug}").get_data(as_text=True)
    assert re.search(r'id="ci-bonus-points">\+2000<', html)
    data = json.loads(re.search(r'id="campaign-data">(.*?)</script>', html, re.S).group(1))
    assert data["config"]["bonus_days"] == [18]
    tok = token()
    client.post(f"{SLUG}/join", headers=auth(tok), json={})
    _at(monkeypatch, datetime(2030, 5, 18, 2, 0, tzinfo=UTC))  # the 18th in Shanghai
    answer = client.post(f"{SLUG}/check-in", headers=auth(tok))
    assert answer.status_code == 200, answer.json
    assert answer.json["points"] == 10 + 2000
    paid = db.session.scalars(select(Reward.payload).where(Reward.kind == "points")).all()
    assert sorted(p["amount"] for p in paid) == [10, 2000]


def test_check_ins_in_a_month_are_counted_per_local_month_and_unlock_a_draw(
    client, db, redis, token, monkeypatch, runner
):
    widget = {
        "type": "check_in",
        "config": {"daily_points": 0, "streak_days": 0, "month_checkins": 3, "draw_kind": "gold"},
    }
    campaign = publish(apply_managed(base_bundle(widget=widget)))
    tok = token()
    client.post(f"{SLUG}/join", headers=auth(tok), json={})
    granted = []
    for when in (
        datetime(2030, 1, 30, 4, 0, tzinfo=UTC),
        datetime(2030, 1, 31, 4, 0, tzinfo=UTC),
        datetime(2030, 1, 31, 17, 0, tzinfo=UTC),  # 1 February, 01:00 in Shanghai
        datetime(2030, 2, 2, 4, 0, tzinfo=UTC),
        datetime(2030, 2, 3, 4, 0, tzinfo=UTC),
    ):
        _at(monkeypatch, when)
        answer = client.post(f"{SLUG}/check-in", headers=auth(tok))
        assert answer.status_code == 200, answer.json
        granted.append((answer.json["streak"], answer.json["granted"]))
    # a streak of 3 on 1 February unlocks nothing: it is the third check-in of February that does
    assert granted == [(1, {}), (2, {}), (3, {}), (4, {}), (5, {"gold": 1})]

    person = next(iter(redis.scan_iter(f"{hotstate.prefix(campaign.id)}:p:*")))
    before = redis.hgetall(person)
    assert (before["ci:2030-01"], before["ci:2030-02"], before["ci"]) == ("2", "3", "5")
    redis.delete(person)
    from runtime.cli import reconcile

    assert runner.invoke(reconcile, ["test-draw"]).exit_code == 0
    after = redis.hgetall(person)
    assert (after["ci:2030-01"], after["ci:2030-02"], after["ci"]) == ("2", "3", "5")


def test_a_widget_type_that_is_not_text_is_a_problem_not_a_crash(db):
    make_hq()
    bundle = load_template("qingdao_checkin")
    bundle["widget"]["type"] = ["check_in"]
    assert "widget.type" in [e["path"] for e in refused(lambda: create_campaign(bundle))]
