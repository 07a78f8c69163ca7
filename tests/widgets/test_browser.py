"""Every widget in Debian Chromium at phone size against the real app under gunicorn: open the
page with a token, play until the chances run out, compare with the ledger, see the refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import Draw, Reward
from tests.factories import make_channel, make_token
from tests.widgets.browser import (
    ARTIFACTS,
    check_phone_layout,
    close_modal,
    open_page,
    settle,
    wait_modal,
)
from tests.widgets.conftest import ledger, widget_bundle

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def two_chances(bundle: dict) -> None:
    for kind in bundle["chances"]["kinds"]:
        kind["initial"], kind["daily"] = 0, 0
    bundle["chances"]["kinds"][0]["initial"] = 2
    bundle["rules"] = [r for r in bundle["rules"] if r["trigger"] != "share"]


def ledger_draws(db, campaign_id: int) -> list[str | None]:
    query = select(Draw.prize_key).where(Draw.campaign_id == campaign_id).order_by(Draw.id)
    return [row[0] for row in ledger(db, query)]


def spin(page):
    page.click("#spin")


def scratch(page):
    page.click("#scratch-btn")
    page.wait_for_selector("#scratch-result[data-prize]")
    box = page.locator("#scratch-canvas").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 10, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 10, y, steps=8)
    page.mouse.up()
    if page.is_hidden("#modal"):
        page.click("#scratch-btn")  # "reveal all" when the stroke did not clear enough


def grid(page):
    page.click("#grid-go")


def dig(page):
    page.click(".plot:not(.open)")


def open_packet(page):
    page.click("#packet-open")


DRAW_WIDGETS = {
    "lucky_wheel": ({"spin_seconds": 2}, spin),
    "scratch_card": ({}, scratch),
    "nine_grid": ({"laps": 1}, grid),
    "treasure_dig": ({}, dig),
    "red_packet": ({}, open_packet),
}


@pytest.mark.parametrize("widget_type", list(DRAW_WIDGETS))
def test_draw_widget_plays_until_no_chances(
    widget_type, publish_for_server, widget_server, phone, db
):
    config, play = DRAW_WIDGETS[widget_type]

    def tweak(bundle):
        two_chances(bundle)
        bundle["widget"]["config"].update(config)

    channel, _ = make_channel()
    token = make_token(channel, f"browser-{widget_type}")
    campaign = publish_for_server(widget_bundle(widget_type, tweak=tweak))
    base = widget_server()

    open_page(phone, f"{base}/c/{campaign.slug}#token={token}")
    assert phone.get_attribute("body", "data-state") == "ready"
    assert "token" not in phone.url, "the token must leave the address bar"
    assert phone.inner_text(".chance-bar").replace("\n", " ").count("2") >= 1

    shown = []
    for _ in range(2):
        play(phone)
        title = wait_modal(phone)
        key = phone.get_attribute("body", "data-last-prize")
        shown.append(key)
        prize = next(p for p in campaign.bundle["prizes"] if p["key"] == key)
        assert prize["name"] in title
        close_modal(phone)
        settle(phone)
    assert shown == ledger_draws(db, campaign.id)

    play(phone)
    assert "机会已用完" in wait_modal(phone)
    assert phone.get_attribute("body", "data-last-error") == "no_chances"
    close_modal(phone)
    settle(phone)
    assert ledger_draws(db, campaign.id) == shown  # the refusal drew nothing
    rewards = ledger(db, select(Reward.prize_key).where(Reward.campaign_id == campaign.id))
    assert {r[0] for r in rewards} <= set(shown)
    assert phone.locator("#my-prizes li.reward").count() == len(rewards)
    check_phone_layout(phone, widget_type)


def points_then_consolation(bundle: dict) -> None:
    """Two chances: the first draw is guaranteed the 100-points prize (one per person), the
    second can only give the consolation badge."""
    two_chances(bundle)
    bundle["prizes"] = [
        {
            "key": "pts",
            "name": "积分大礼",
            "name_en": "Points gift",
            "weight": 1,
            "stock": None,
            "per_person_limit": 1,
            "value": 1.0,
            "reward": {"kind": "points", "amount": 100},
        },
        {
            "key": "badge",
            "name": "好运徽章",
            "name_en": "Lucky badge",
            "weight": 1,
            "stock": None,
            "fallback": True,
            "value": 0.0,
            "reward": {"kind": "none"},
        },
    ]
    bundle["odds"] = {"exhausted": "fallback", "guaranteed_first": 1, "boosts": []}
    bundle["rules"] = [r for r in bundle["rules"] if r["trigger"] not in ("share", "draw")]


@pytest.mark.parametrize("widget_type", list(DRAW_WIDGETS))
def test_points_are_named_as_points_and_a_consolation_prize_is_a_prize(
    widget_type, publish_for_server, widget_server, phone
):
    config, play = DRAW_WIDGETS[widget_type]

    def tweak(bundle):
        points_then_consolation(bundle)
        bundle["widget"]["config"].update(config)

    channel, _ = make_channel()
    token = make_token(channel, f"units-{widget_type}")
    campaign = publish_for_server(widget_bundle(widget_type, tweak=tweak))
    open_page(phone, f"{widget_server()}/c/{campaign.slug}#token={token}")

    play(phone)
    title = wait_modal(phone)
    body = phone.inner_text("#modal-body")
    assert phone.get_attribute("body", "data-last-outcome") == "prize"
    assert "恭喜您获得" in title and "积分大礼" in title
    assert "100 积分" in body and "¥" not in body + title  # not "¥100" for 100 points
    if widget_type == "red_packet":
        assert phone.inner_text("#packet-amount") == "100 积分"
    close_modal(phone)
    settle(phone)

    play(phone)
    title = wait_modal(phone)
    assert phone.get_attribute("body", "data-last-outcome") == "consolation"
    assert title == "您获得 好运徽章" and "参与奖" in phone.inner_text("#modal-body")
    assert "谢谢" not in title and "再接再厉" not in title
    close_modal(phone)


def test_a_red_packet_shows_the_amount_the_server_reserved(
    publish_for_server, widget_server, phone, db
):
    def tweak(bundle):
        two_chances(bundle)
        bundle["prizes"] = [
            {
                "key": "packet",
                "name": "现金红包",
                "weight": 1,
                "stock": None,
                "value": 1.88,
                "reward": {"kind": "red_packet", "mode": "fixed", "amount": 1.88},
            },
            {
                "key": "badge",
                "name": "好运徽章",
                "weight": 0,
                "fallback": True,
                "reward": {"kind": "none"},
            },
        ]
        bundle["limits"]["budget"] = {"amount": 10, "currency": "CNY"}

    channel, _ = make_channel()
    token = make_token(channel, "packet-amount")
    campaign = publish_for_server(widget_bundle("red_packet", tweak=tweak))
    open_page(phone, f"{widget_server()}/c/{campaign.slug}#token={token}")
    open_packet(phone)
    wait_modal(phone)
    assert phone.inner_text("#packet-amount") == "¥1.88"
    assert "¥1.88" in phone.inner_text("#modal-body")
    close_modal(phone)
    settle(phone)
    assert "¥1.88" in phone.inner_text("#my-prizes")


# What each label line of the wheel takes against the room its segment has at its radius
# (the segment's width there: its edges are half a step either side of the label's axis).
LABEL_FIT = """() => Array.from(document.querySelectorAll('#wheel .seg text')).map((text) => {
  const n = document.querySelectorAll('#wheel .seg').length;
  const lines = Array.from(text.querySelectorAll('tspan'));
  return {
    name: text.getAttribute('data-name'),
    shown: lines.map((l) => l.textContent).join(' '),
    size: parseFloat(text.style.fontSize),
    over: lines.map((l) => l.getComputedTextLength()
      - 2 * -parseFloat(l.getAttribute('y')) * Math.tan(Math.PI / n)),
  };
})"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_wheel_labels_fit_their_segments_at_phone_width(
    lang, publish_for_server, widget_server, browser
):
    """Seed 003's wheel on a 390 px phone: every prize's whole name inside its segment."""
    from rules.templates import load_template
    from tests.widgets.browser import PHONE

    bundle = load_template("decent_lottery")
    bundle["schedule"].update(starts_at="2020-01-01T00:00:00", ends_at="2099-01-01T00:00:00")
    bundle["widget"]["config"]["language"] = lang
    bundle["audience"].update(conditions=None, whitelist=None)  # any customer may look
    for prize, english in zip(
        bundle["prizes"],
        [
            "Random cash red packet",
            "CNY 5 red packet",
            "CNY 10 phone credit",
            "Video membership (1 month)",
            "Thanks for playing",
        ],
        strict=True,
    ):
        prize.setdefault("name_en", english)
    channel, _ = make_channel()
    token = make_token(channel, f"wheel-labels-{lang}")
    campaign = publish_for_server(bundle)
    context = browser.new_context(**{**PHONE, "viewport": {"width": 390, "height": 844}})
    try:
        page = context.new_page()
        open_page(page, f"{widget_server()}/c/{campaign.slug}#token={token}")
        labels = page.evaluate(LABEL_FIT)
        names = {p["name_en"] if lang == "en" else p["name"] for p in bundle["prizes"]}
        assert {label["name"] for label in labels} == names
        for label in labels:
            assert label["shown"].replace(" ", "") == label["name"].replace(" ", ""), label
            assert max(label["over"]) <= 0, label  # no line wider than its segment
            assert label["size"] >= 9, label
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"lucky_wheel_labels_{lang}.png"))
    finally:
        context.close()
