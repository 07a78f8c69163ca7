"""widgets.display: a picture a marketer linked is shown only from http(s) or a relative
address, on the page and in what the participant API returns."""

from __future__ import annotations

import pytest

import widgets
from widgets.display import image_url
from widgets.loyalty import public_mall_items

SAFE = ["https://cdn.example.com/a.png", "http://cdn.example.com/a.png", "/static/a.png", "a.png"]
UNSAFE = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox(1)",
    "\\\\evil\\a.png",
    "",
    None,
    42,
]


@pytest.mark.parametrize("url", SAFE)
def test_http_and_relative_pictures_are_kept(url):
    assert image_url(url) == url


@pytest.mark.parametrize("url", UNSAFE)
def test_other_pictures_are_dropped(url):
    assert image_url(url) is None


def mall_bundle(images: list[str]) -> dict:
    bundle = widgets.get("points_mall").default_bundle("mall-pictures", "商城", "HQ")
    for item, image in zip(bundle["mall"]["items"], images, strict=False):
        item["image"] = image
    return bundle


def test_the_mall_shows_a_safe_picture_and_never_a_script():
    bundle = mall_bundle(["https://cdn.example.com/credit.png", "javascript:alert(1)"])
    html = widgets.get("points_mall").render_page(bundle, lang="zh", static_base="/w/static")
    assert 'class="mall-item-img" src="https://cdn.example.com/credit.png"' in html
    assert "javascript:" not in html
    items = public_mall_items(bundle)
    assert [i["image"] for i in items[:3]] == ["https://cdn.example.com/credit.png", None, None]


def test_a_candidate_picture_follows_the_same_rule():
    bundle = widgets.get("vote").default_bundle("vote-pictures", "投票", "HQ")
    candidates = bundle["widget"]["config"]["candidates"]
    candidates[0]["image"], candidates[1]["image"] = "/img/c1.png", "javascript:alert(1)"
    html = widgets.get("vote").render_page(bundle, lang="zh", static_base="/w/static")
    assert '<img src="/img/c1.png"' in html and "javascript:" not in html.split("campaign-data")[0]


def test_the_mall_says_the_validity_and_message_the_reward_arrives_with():
    """The exchange passes the right's validity and message to the reward unless the reward
    has its own; the page shows what arrives."""
    bundle = mall_bundle([])
    first, second = bundle["mall"]["items"][:2]
    first.update(valid_days=30, message="商城说的")
    first["reward"] = {**(first.get("reward") or {"kind": "none"}), "message": "到账说的"}
    second.update(valid_days=15, message="只有权益的")
    items = public_mall_items(bundle)
    assert items[0]["message"] == "到账说的" and items[0]["valid_days"] == 30
    assert (items[1]["valid_days"], items[1]["message"]) == (15, "只有权益的")
