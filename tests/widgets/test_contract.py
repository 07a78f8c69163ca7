"""The plugin contract, checked for every registered widget."""

from __future__ import annotations

import json
import re

import pytest
from marshmallow import ValidationError

import rules
import widgets
from widgets.base import RUNTIME_ACTIONS
from widgets.registry import BUILTIN, DuplicateWidget, Registry, UnknownWidget

ALL = [w.type for w in widgets.enabled()]


def test_every_builtin_widget_is_registered_in_order():
    assert ALL == list(BUILTIN) and len(ALL) == 10


@pytest.mark.parametrize("widget_type", ALL)
def test_config_schema_round_trip(widget_type):
    widget = widgets.get(widget_type)
    config = widget.default_config()
    assert json.loads(json.dumps(config)) == config  # JSON-safe as stored in bundles
    again = widget.dump_config(widget.load_config(config))
    assert again == config
    assert widget.validate_config(config) == []


@pytest.mark.parametrize("widget_type", ALL)
def test_config_schema_refuses_unknown_and_bad_fields(widget_type):
    widget = widgets.get(widget_type)
    with pytest.raises(ValidationError):
        widget.load_config({"no_such_option": 1})
    problems = widget.validate_config({"theme": "purple-polka"})
    assert problems == [{"path": "widget.config.theme", "message": problems[0]["message"]}]


@pytest.mark.parametrize("widget_type", ALL)
def test_form_description_covers_every_field(widget_type):
    widget = widgets.get(widget_type)
    described = widget.to_dict()
    names = [f["name"] for f in described["fields"]]
    assert names == list(widget.config_schema().fields)
    for field in described["fields"]:
        assert field["label_zh"] and field["label_en"] and field["type"]
        assert field["default"] == described["default_config"][field["name"]]
    theme = next(f for f in described["fields"] if f["name"] == "theme")
    assert theme["type"] == "select" and "red" in theme["choices"]
    assert described["name_zh"] and described["name_en"]
    assert set(described["actions"]) <= set(RUNTIME_ACTIONS)
    json.dumps(described)


@pytest.mark.parametrize("widget_type", ALL)
def test_default_bundle_validates_in_rules(widget_type):
    widget = widgets.get(widget_type)
    bundle = widget.default_bundle("contract-" + widget_type.replace("_", "-"), "测试", "HQ")
    assert rules.validate_bundle(bundle) == []
    loaded = rules.load_bundle(bundle)
    assert loaded["widget"]["type"] == widget_type
    assert widgets.validate_widget(loaded["widget"]) == []
    assert loaded["description"], "the wizard starts with rule text participants can read"
    if "draw" in widget.actions:
        assert loaded["prizes"] and loaded["chances"]["kinds"]


@pytest.mark.parametrize("widget_type", ALL)
def test_page_renders_public_data_only(widget_type):
    widget = widgets.get(widget_type)
    bundle = widget.default_bundle("page-" + widget_type.replace("_", "-"), "页面", "HQ")
    html = widget.render_page(bundle, lang="zh", static_base="/w/static")
    data = json.loads(re.search(r'id="campaign-data">(.*?)</script>', html, re.S).group(1))
    assert data["type"] == widget_type and data["slug"] == bundle["slug"]
    assert data["preview"] is None
    # a mall right's stock and limits are what its page lists (checked below, not leaked)
    text = json.dumps({k: v for k, v in data.items() if k not in ("texts", "errors", "mall_items")})
    for secret in (
        '"weight"',
        '"stock"',
        '"daily_release"',
        '"per_person_limit"',
        '"rules"',
        '"odds"',
        '"audience"',
    ):
        assert secret not in text, f"{secret} leaked into the page"
    mall = json.dumps(data.get("mall_items") or [])
    for secret in ('"pool"', '"sku"', '"value"', '"weight"'):
        assert secret not in mall, f"{secret} leaked into the mall"
    assert f"/w/static/{widget_type}/{widget_type}.js?v=" in html
    assert "活动规则" in html and "我的奖品" in html


@pytest.mark.parametrize("widget_type", ALL)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_preview_renders_with_sample_data(widget_type, lang):
    widget = widgets.get(widget_type)
    html = widget.render_preview(lang=lang)
    assert "common/preview.js" in html
    data = json.loads(re.search(r'id="campaign-data">(.*?)</script>', html, re.S).group(1))
    assert data["preview"]["me"]["referral_code"]
    assert ("预览模式" if lang == "zh" else "Preview") in html


def test_registry_refuses_duplicates_and_unknown_names():
    registry = Registry()
    registry.register(widgets.get("vote"))
    with pytest.raises(DuplicateWidget):
        registry.register(widgets.get("vote"))
    with pytest.raises(UnknownWidget):
        registry.get("slot_machine")
    assert [w.type for w in registry.enabled([])] == ["vote"]
    with pytest.raises(UnknownWidget):
        registry.enabled(["vote", "slot_machine"])


def test_enabled_list_follows_config_order():
    assert [w.type for w in widgets.enabled(["invite", "lucky_wheel"])] == ["invite", "lucky_wheel"]
    assert len(widgets.enabled(None)) == 10


def test_validate_widget_names_the_path():
    assert widgets.validate_widget({"type": "slot_machine"})[0]["path"] == "widget.type"
    problems = widgets.validate_widget(
        {
            "type": "vote",
            "config": {"candidates": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]},
        }
    )
    assert problems and problems[0]["path"].startswith("widget.config.candidates")
    problems = widgets.validate_widget({"type": "lucky_wheel", "config": {"spin_seconds": 99}})
    assert problems[0]["path"] == "widget.config.spin_seconds"


def test_default_bundles_follow_config():
    bundle = widgets.get("check_in").default_bundle("ci-x", "签到", "HQ")
    bonus = next(r for r in bundle["rules"] if r["id"] == "bonus-day")
    assert bonus["conditions"]["any"][0]["value"] == 18
    assert bonus["actions"][0]["params"]["amount"] == 1800
    dig = widgets.get("treasure_dig").default_bundle("dig-x", "挖宝", "HQ")
    assert [k["key"] for k in dig["chances"]["kinds"]] == ["gold", "silver"]
    assert dig["odds"]["guaranteed_first"] == 3
    assert dig["rules"][0]["actions"][0]["params"]["kind"] == "silver"
