"""The seed campaigns and the points mall with tasks validate, compile, run their rules and
simulate."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from rules import PersonState, compile_bundle, simulate, validate_bundle
from rules.templates import around_today, list_templates, load_template

NAMES = [
    "decent_lottery",
    "hengfeng_mgm",
    "icbc_treasure_dig",
    "pingan_vote_invite",
    "points_mall_tasks",
    "qingdao_checkin",
]
WIDGETS = {
    "lucky_wheel",
    "scratch_card",
    "nine_grid",
    "treasure_dig",
    "check_in",
    "red_packet",
    "vote",
    "invite",
    "points_mall",
}


def test_list_templates():
    assert list_templates() == NAMES
    with pytest.raises(KeyError):
        load_template("nope")


@pytest.mark.parametrize("name", NAMES)
def test_template_names_everything_a_participant_sees_in_english(name):
    """An English participant page shows each prize, chance kind, task, badge, right and
    option by its English name, not the Chinese one."""
    bundle = load_template(name)
    mall = bundle.get("mall") or {}
    named = [
        *bundle["prizes"],
        *bundle["chances"]["kinds"],
        *(bundle.get("tasks") or []),
        *(t["badge"] for t in bundle.get("tasks") or []),
        *mall.get("items", []),
        *(c for i in mall.get("items", []) for c in i.get("choices") or []),
    ]
    assert [n["name"] for n in named if not n.get("name_en")] == []


def test_around_today_moves_the_schedule_and_its_one_off_windows():
    """The demo's way (live since yesterday, 60 days ahead) and the studio's (from today, as
    long as the seed campaign ran), in the campaign's zone."""
    today = date(2026, 12, 1)
    demo = around_today(load_template("pingan_vote_invite"), today=today)
    assert demo["schedule"]["starts_at"] == "2026-11-30T00:00:00"
    assert demo["schedule"]["ends_at"] == "2027-01-30T00:00:00"
    final = demo["schedule"]["windows"][0]["dates"]  # moved with the start, inside
    assert (final["from"], final["to"]) == ("2027-01-14T00:00:00", "2027-01-22T00:00:00")

    fresh = around_today(load_template("decent_lottery"), 0, None, today=today)
    assert fresh["schedule"]["starts_at"] == "2026-12-01T00:00:00"
    assert fresh["schedule"]["ends_at"] == "2026-12-31T00:00:00"  # the seed ran 30 days
    assert validate_bundle(fresh) == []

    live = around_today(load_template("points_mall_tasks"))
    now = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    start = datetime.fromisoformat(live["schedule"]["starts_at"])
    assert start < now < datetime.fromisoformat(live["schedule"]["ends_at"])


@pytest.mark.parametrize("name", NAMES)
def test_template_is_valid_and_simulates(name):
    bundle = load_template(name)
    assert validate_bundle(bundle) == []
    assert bundle["widget"]["type"] in WIDGETS
    report = simulate(bundle, participants=300, draws_per_participant=5, seed=7)
    assert report.draws == 1500
    assert sum(report.wins.values()) + report.no_prize == 1500
    for key, left in report.stock_left.items():
        assert left is None or left >= 0, key


def test_icbc_first_three_digs_win_and_every_dig_wins():
    c = compile_bundle(load_template("icbc_treasure_dig"))
    now = datetime(2026, 11, 4, 4, 0, tzinfo=UTC)
    for draws in range(3):
        t = c.odds_table(now, PersonState(draws_total=draws), {}, [], chance_kind="gold")
        assert t.guaranteed and {e.prize for e in t.entries if e.weight} >= {"epay_points"}
        assert all(e.weight == 0 for e in t.entries if e.prize == "epay_badge")
    report = simulate(
        load_template("icbc_treasure_dig"), participants=500, draws_per_participant=6, seed=1
    )
    assert report.no_prize == 0


def test_icbc_share_and_crazy_hour():
    c = compile_bundle(load_template("icbc_treasure_dig"))
    out = c.run("share", {"shares_today": 0, "active_windows": ["crazy_hour"]})
    assert out.actions == [
        ("grant_chances", {"kind": "silver", "count": 1}),
        ("grant_chances", {"kind": "gold", "count": 1}),
    ]
    assert c.run("share", {"shares_today": 3, "active_windows": []}).actions == []
    friday = datetime(2026, 11, 6, 12, 30, tzinfo=UTC)
    boosted = c.odds_table(friday, PersonState(draws_total=5), {}, [], chance_kind="gold")
    assert {e.prize: e.weight for e in boosted.entries}["fuel_card"] == 30


def test_qingdao_18th_and_transactions():
    c = compile_bundle(load_template("qingdao_checkin"))
    on_18th = c.windows.local_time_variables(datetime(2026, 11, 17, 16, 30, tzinfo=UTC))
    out = c.run("check_in", {**on_18th, "checkin_streak": 2})
    assert ("award_points", {"amount": 1800, "note": "奖励日签到"}) in out.actions
    assert c.run("check_in", {**on_18th, "checkin_streak": 7, "checkins_this_month": 6}).fired == [
        "daily-points",
        "bonus-day",
    ]
    seventh = c.run("check_in", {"day_of_month": 9, "checkins_this_month": 7})
    assert seventh.fired == ["daily-points", "month-draw"]
    assert ("grant_chances", {"kind": "treasure", "count": 1}) in seventh.actions
    tx = c.run("transaction", {"transaction_type": "fund", "transaction_amount": 500})
    assert tx.actions[0] == ("grant_chances", {"kind": "treasure", "count": 1})
    assert (
        c.run("transaction", {"transaction_type": "card_spend", "transaction_amount": 500}).actions
        == []
    )


def test_decent_whitelist_region_and_quotas():
    bundle = load_template("decent_lottery")
    c = compile_bundle(bundle)
    qingdao, beijing = {"city": "青岛", "card_bound": True}, {"city": "北京", "card_bound": True}
    assert c.audience_allows(qingdao, "demo-001", "demo-app") == (True, None)
    assert not c.audience_allows(beijing, "demo-001", "demo-app")[0]
    assert not c.audience_allows(qingdao, "stranger", "demo-app")[0]
    assert not c.audience_allows(qingdao, "demo-001", "another-channel")[0]
    assert bundle["limits"]["branch_quotas"]["JN001"] == 5000
    kinds = {p["reward"]["kind"] for p in bundle["prizes"]}
    assert "red_packet" in kinds
    assert c.run("share", {"shares_today": 0}).actions[0][0] == "grant_chances"


def test_hengfeng_referral():
    c = compile_bundle(load_template("hengfeng_mgm"))
    out = c.run("referral", {"invitee_is_new_customer": True, "referrals_total": 5})
    assert out.fired == ["new-friend", "invite-goal"]
    assert c.run("referral", {"invitee_is_new_customer": True, "referrals_total": 3}).fired == [
        "new-friend"
    ]
    assert ("issue_prize", {"prize": "mgm_gift"}) in out.actions


def test_pingan_vote_and_invite():
    c = compile_bundle(load_template("pingan_vote_invite"))
    assert c.run("referral", {"referrals_today": 0}).actions[0] == (
        "grant_chances",
        {"kind": "vote", "count": 3},
    )
    assert c.run("vote", {"votes_today": 1}).fired == ["vote-earns-draw"]
    assert c.run("vote", {"votes_today": 3}).denied == "今日投票次数已用完,明天再来吧"


def test_points_mall_tasks_pay_points_that_its_rights_cost():
    """Welcome points, a badge and points per task, a bonus for all four badges, points per
    share; the mall's rights priced in points, with stock and limits."""
    bundle = load_template("points_mall_tasks")
    c = compile_bundle(bundle)
    assert c.run("join", {}).actions[0] == ("award_points", {"amount": 1000, "note": "新人礼"})
    assert c.run("share", {}).actions == [("award_points", {"amount": 20, "note": "分享活动"})]
    assert c.run("badge", {"badges_count": 3}).actions == []
    assert c.run("badge", {"badges_count": 4}).fired == ["all-badges"]
    assert all(t["badge"] and t["points"] for t in bundle["tasks"])

    def met(trigger: str, **variables) -> list[str]:
        return [t.key for t in c.tasks.met(trigger, variables)]

    assert met("transaction", transaction_type="fund", transaction_amount=999) == []
    assert met("transaction", transaction_type="fund", transaction_amount=1000) == ["buy-fund"]
    assert met("transaction", transaction_type="card_spend", transaction_amount=8) == [
        "first-card-spend"
    ]
    assert met("account_opened", account_type="mobile_banking") == ["mobile-banking"]
    items = bundle["mall"]["items"]
    assert bundle["mall"]["points_from"] == "campaign" and 3 <= len(items) <= 5
    assert min(i["price"] for i in items) <= 1000  # the welcome points buy something


@pytest.mark.parametrize("name", NAMES)
def test_loading_is_idempotent_and_windows_work(name):
    from rules import load_bundle

    once = load_bundle(load_template(name))
    assert load_bundle(once) == once
    campaign = compile_bundle(once)
    for window in once["schedule"]["windows"]:
        campaign.windows.is_open(window["id"], datetime(2026, 8, 16, 4, 0, tzinfo=UTC))


def test_pingan_final_window_is_a_date_range():
    c = compile_bundle(load_template("pingan_vote_invite"))
    assert c.windows.open_windows(datetime(2026, 8, 16, 4, 0, tzinfo=UTC)) == ["final"]
    assert c.windows.open_windows(datetime(2026, 8, 1, 4, 0, tzinfo=UTC)) == []


def test_a_points_mall_carries_no_draw_limit():
    """A daily draw limit on a page without draws is a setting the marketer sees and cannot
    use: neither the points mall template nor the blank points mall has one."""
    import widgets

    for name in list_templates():
        bundle = load_template(name)
        if bundle["widget"]["type"] == "points_mall":
            assert bundle["limits"]["per_person"]["draws_per_day"] is None, name
    blank = widgets.get("points_mall").default_bundle("blank-mall", "积分商城", "HQ")
    assert blank["limits"]["per_person"]["draws_per_day"] is None
