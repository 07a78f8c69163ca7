"""widgets.lead: the lead form a page offers. The consent box must be ticked, so it says what
is agreed to; a vote whose rules pay for a lead offers the form (and its draw)."""

from __future__ import annotations

import json
import re

import pytest

import widgets
from rules.templates import load_template
from widgets.lead import consent_clause, lead_offer, lead_points, pays_for_leads


def page(bundle: dict, lang: str = "zh") -> tuple[str, dict]:
    html = widgets.get(bundle["widget"]["type"]).render_page(
        bundle, lang=lang, static_base="/w/static"
    )
    data = json.loads(re.search(r'id="campaign-data">(.*?)</script>', html, re.S).group(1))
    return html, data


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        ("提交即同意恒丰银行客户经理就本活动与您联系", "恒丰银行客户经理就本活动与您联系"),
        ("提交即表示同意银行联系您", "银行联系您"),
        ("我已阅读并同意《个人信息授权书》", "《个人信息授权书》"),
        ("银行客户经理就本活动与您联系", "银行客户经理就本活动与您联系"),
        ("", ""),
        (None, ""),
    ],
)
def test_the_consent_clause_drops_a_submitting_agrees_prefix(text, clause):
    assert consent_clause(text) == clause


def test_the_invite_box_says_what_is_agreed_to():
    bundle = widgets.get("invite").default_bundle("invite-consent", "邀请", "HQ")
    html, data = page(bundle)
    assert "我已阅读并同意银行客户经理就本活动与您联系" in html
    assert "提交即同意" not in html
    assert data["lead"]["consent"] == "银行客户经理就本活动与您联系"
    assert data["texts"]["consent_required"] == "请先勾选同意"
    html, data = page(bundle, "en")
    assert "I have read and agree: 银行客户经理就本活动与您联系" in html
    assert data["texts"]["consent_required"].startswith("Please tick the box")


def test_an_older_submitting_agrees_text_reads_as_agreement():
    bundle = load_template("hengfeng_mgm")
    html, _ = page(bundle)
    assert "我已阅读并同意恒丰银行客户经理就本活动与您联系" in html
    assert "提交即同意" not in html


def test_an_invite_without_the_lead_form_offers_none():
    bundle = widgets.get("invite").default_bundle("invite-no-lead", "邀请", "HQ")
    bundle["widget"]["config"]["lead_form"] = False
    html, data = page(bundle)
    assert data["lead"] is None and 'id="lead-form"' not in html


def test_a_vote_that_pays_for_leads_offers_the_form_and_the_draw_its_votes_earn():
    bundle = load_template("pingan_vote_invite")
    assert pays_for_leads(bundle) and lead_points(bundle) == 50
    html, data = page(bundle)
    assert data["lead"] == {"title": None, "ask_city": False, "consent": None, "points": 50}
    assert 'id="lead-form"' in html and "提交即得 <b>50</b> 积分" in html
    assert "我已阅读并同意银行客户经理就本活动与您联系" in html
    assert data["draw_kind"] == "lucky" and 'id="vote-draw"' in html
    assert "去抽奖 · 幸运抽奖" in html
    assert "每人每天3票,每位候选人每天限投1票" in html
    assert '<b id="votes-left">2</b>' in html  # 3 a day, but two candidates
    assert "/w/static/common/lead.js?v=" in html


def test_a_plain_vote_offers_neither_a_lead_form_nor_a_draw():
    bundle = widgets.get("vote").default_bundle("vote-plain", "投票", "HQ")
    html, data = page(bundle)
    assert data["lead"] is None and data["draw_kind"] is None
    assert 'id="lead-form"' not in html and 'id="vote-draw"' not in html


def test_only_unconditional_lead_points_are_promised():
    rules = [
        {
            "id": "a",
            "trigger": "lead",
            "conditions": None,
            "actions": [{"name": "award_points", "params": {"amount": 20}}],
        },
        {
            "id": "b",
            "trigger": "lead",
            "conditions": {"all": [{"name": "age", "operator": "less_than", "value": 30}]},
            "actions": [{"name": "award_points", "params": {"amount": 99}}],
        },
        {
            "id": "c",
            "trigger": "share",
            "conditions": None,
            "actions": [{"name": "award_points", "params": {"amount": 5}}],
        },
    ]
    assert lead_offer({"rules": rules})["points"] == 20
    assert not pays_for_leads({"rules": rules[2:]})
