"""The variable supplier registry's contract: every catalogue variable has exactly one supplier,
and each supplier really delivers its variable (a rule never reads a default forever)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from core import create_app
from core.models import TaskCompletion
from rules import catalog
from runtime import hotstate, loader, variables
from runtime.auth import Principal, sign_event
from runtime.variables import (
    Sources,
    SupplierError,
    SupplierRegistry,
    build_variables,
    default_registry,
)
from tests.runtime.conftest import auth, base_bundle, publish

SLUG = "/api/v1/campaigns/test-draw"
NOW = datetime(2026, 6, 5, 4, 30, tzinfo=UTC)  # Friday 12:30 in Asia/Shanghai
ALL_DAY = {
    "id": "all-day",
    "weekly": {
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "start": "00:00",
        "end": "24:00",
    },
}
PROFILE = {
    "age": 41,
    "asset_level": "wealth",
    "branch": "SZ01",
    "city": "Shenzhen",
    "customer_segment": "existing",
    "is_new_customer": True,
    "card_bound": True,
    "days_since_registration": 400,
    "days_since_last_login": 3,
    "tags": ["vip"],
}
REQUEST = {
    "transaction_type": "fund",
    "transaction_amount": 5000,
    "share_channel": "weibo",
    "invitee_is_new_customer": True,
    "account_type": "credit_card",
    "vote_candidate": "a",
    "badge_earned": "open-card",
}
# tasks whose badges the badge variables name (badge keys are task keys)
TASKS = [
    {"key": "open-card", "name": "开卡", "event": "account_opened", "badge": {"name": "开卡"}},
    {"key": "buy-fund", "name": "买基金", "event": "transaction", "badge": {"name": "基金"}},
]


def test_every_catalogue_variable_has_one_supplier():
    registry = default_registry()
    assert registry.missing() == []
    suppliers = {name: registry.source(name) for name in catalog.VARIABLES}
    assert set(suppliers.values()) <= {"token", "counter", "ledger", "clock", "request"}


def test_the_request_data_variables_are_the_trigger_specific_ones():
    restricted = {n for n, v in catalog.VARIABLES.items() if v.triggers != catalog.ALL_TRIGGERS}
    assert set(default_registry().names("request")) == restricted


def test_register_refuses_duplicates_and_unknown_names():
    registry = SupplierRegistry()
    registry.register("token", ("age",), lambda src: {"age": 1})
    with pytest.raises(SupplierError, match="already"):
        registry.register("token", ("city", "age"), lambda src: {})
    with pytest.raises(SupplierError, match="not a variable"):
        registry.register("token", ("shoe_size",), lambda src: {})
    assert "city" in registry.missing()
    with pytest.raises(SupplierError, match="city"):
        registry.check_complete()


def test_the_runtime_refuses_to_start_when_a_variable_has_no_supplier(app_config, monkeypatch):
    def incomplete() -> SupplierRegistry:
        registry = SupplierRegistry()
        registry.register("token", ("age",), lambda src: {"age": 0})
        return registry

    monkeypatch.setattr(variables, "default_registry", incomplete)
    variables.registry.cache_clear()
    try:
        with pytest.raises(SupplierError, match="without a runtime supplier: tags"):
            create_app(app_config)
    finally:
        variables.registry.cache_clear()


def test_unknown_request_data_is_refused(app):
    publish(base_bundle())
    _, live = loader.load("test-draw")
    principal = Principal(1, "bank-app", "p", {})
    with pytest.raises(SupplierError, match="shoe_size"):
        build_variables(live, principal, {}, NOW, None, {"shoe_size": 42})


@pytest.fixture
def rich_sources(app, db, channel) -> Sources:
    """Sources for a participant with a value for everything the catalogue knows."""
    from runtime.issuance import points
    from runtime.members import ensure_participant

    rules = [
        {
            "id": "rich",
            "trigger": "draw",
            "conditions": {
                "all": [
                    {"name": "points_balance", "operator": "greater_than", "value": 0},
                    {"name": "badges", "operator": "contains_all", "value": ["open-card"]},
                ]
            },
            "actions": [{"name": "send_message", "params": {"text": "hi"}}],
        }
    ]
    schedule = {
        "timezone": "Asia/Shanghai",
        "starts_at": "2026-01-01T00:00:00",
        "ends_at": "2027-01-01T00:00:00",
        "windows": [ALL_DAY],
    }
    publish(base_bundle(rules=rules, schedule=schedule, tasks=TASKS))
    _, live = loader.load("test-draw")
    day = live.local_day(NOW)
    person = {
        f"d:{day}": "2",
        "d": "7",
        "w": "3",
        f"s:{day}": "1",
        "s": "4",
        f"r:{day}": "1",
        "r": "5",
        "cs": "6",
        "ci": "9",
        f"ci:{day[:7]}": "4",
        f"v:{day}": "2",
        "ch:gold": "3",
        "tags": json.dumps(["payroll"]),
    }
    principal = Principal(channel.id, channel.key, "p", PROFILE)
    pid = ensure_participant(principal)
    points.post(db.session, participant_id=pid, delta=120, kind="staff", source_key="t:p")
    db.session.add(
        TaskCompletion(
            campaign_id=live.campaign_id,
            participant_id=pid,
            task_key="open-card",
            badge_ordinal=1,
            source="test",
        )
    )
    db.session.commit()
    return Sources(live, principal, person, NOW, pid, REQUEST)


@pytest.fixture
def rich_variables(rich_sources):
    src = rich_sources
    return build_variables(
        src.live, src.principal, src.person, src.now, src.participant_id, dict(src.extra)
    )


def test_each_supplier_returns_exactly_the_variables_it_registered(rich_sources):
    for entry in default_registry().entries():
        assert set(entry.supply(rich_sources)) == set(entry.names), entry.source


_TYPES = {
    catalog.NUMERIC: (int, float),
    catalog.STRING: (str,),
    catalog.BOOLEAN: (bool,),
    catalog.SELECT: (str, list),
    catalog.SELECT_MULTIPLE: (list,),
}


@pytest.mark.parametrize("name", list(catalog.VARIABLES))
def test_every_variable_is_supplied_a_real_value(rich_variables, name):
    """A variable whose source has data never reads its catalogue default."""
    var = catalog.VARIABLES[name]
    value = rich_variables[name]
    assert isinstance(value, _TYPES[var.type]), (name, value)
    assert var.type == catalog.BOOLEAN or not isinstance(value, bool)
    assert value not in (catalog.DEFAULTS[var.type], [], "", 0, False), (name, value)


def test_rich_variables_carry_the_expected_values(rich_variables):
    assert rich_variables["tags"] == ["payroll", "vip"]
    assert rich_variables["draws_today"] == 2 and rich_variables["chances_left"] == 3
    assert rich_variables["points_balance"] == 120
    assert rich_variables["hour"] == 12 and rich_variables["weekday"] == 5
    assert rich_variables["active_windows"] == ["all-day"]
    assert rich_variables["share_channel"] == "weibo"
    assert rich_variables["badges"] == ["open-card"] and rich_variables["badges_count"] == 1


def _rule(trigger: str, name: str, value) -> dict:
    var = catalog.VARIABLES[name]
    op = {
        catalog.NUMERIC: "equal_to",
        catalog.STRING: "equal_to",
        catalog.BOOLEAN: "is_true",
        catalog.SELECT: "contains",
    }[var.type]
    return {
        "id": f"{trigger}-{name}".replace("_", "-"),
        "trigger": trigger,
        "conditions": {"all": [{"name": name, "operator": op, "value": value}]},
        "actions": [{"name": "grant_chances", "params": {"kind": "gold", "count": 1}}],
    }


def _event(client, channel_key: str, secret: str, body: dict):
    raw = json.dumps(body).encode()
    stamp = str(int(time.time()))
    headers = {
        "X-Studio-Channel": channel_key,
        "X-Studio-Timestamp": stamp,
        "X-Studio-Signature": "sha256=" + sign_event(secret, stamp, raw),
        "Content-Type": "application/json",
    }
    return client.post("/api/v1/events", data=raw, headers=headers)


def _gold(client, tok) -> int:
    return client.get(f"{SLUG}/me", headers=auth(tok)).json["chances"]["gold"]


@pytest.mark.parametrize("name", default_registry().names("request"))
def test_request_data_reaches_the_rules_of_its_trigger(client, token, channel, name):
    """Drive each trigger the variable belongs to through the real API: a rule that tests the
    variable's value fires only when the request carried that value."""
    from core.accounts import secret_for

    (trigger,) = catalog.VARIABLES[name].triggers
    overrides = {"rules": [_rule(trigger, name, REQUEST[name])]}
    if trigger == "badge":
        overrides["tasks"] = TASKS
    if trigger == "vote":
        overrides["widget"] = {
            "type": "vote",
            "config": {"candidates": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]},
        }
    import widgets

    # the rules a widget's settings drive come with it, as the studio's settings form makes them
    publish(widgets.apply_managed(base_bundle(**overrides)))
    tok = token("p1", {"is_new_customer": True})
    client.post(f"{SLUG}/join", headers=auth(tok), json={})
    before = _gold(client, tok)
    if trigger == "share":
        answer = client.post(f"{SLUG}/share", headers=auth(tok), json={"share_channel": "qq"})
        assert answer.json["granted"] == {}
        answer = client.post(
            f"{SLUG}/share", headers=auth(tok), json={"share_channel": REQUEST[name]}
        )
    elif trigger == "vote":
        answer = client.post(f"{SLUG}/votes", headers=auth(tok), json={"candidate": "b"})
        assert answer.json["granted"] == {}
        answer = client.post(f"{SLUG}/votes", headers=auth(tok), json={"candidate": "a"})
    elif trigger == "referral":
        code = client.get(f"{SLUG}/me", headers=auth(tok)).json["referral_code"]
        old = token("old-friend", {"is_new_customer": False})
        client.post(f"{SLUG}/join", headers=auth(old), json={"referral_code": code})
        assert _gold(client, tok) == before
        new = token("new-friend", {"is_new_customer": True})
        answer = client.post(f"{SLUG}/join", headers=auth(new), json={"referral_code": code})
    elif trigger == "badge":
        # the buy-fund badge first (no grant), then the open-card badge (the rule's value)
        secret = secret_for(channel)
        base = {"participant": "p1", "campaign": "test-draw", "data": {}}
        miss = _event(
            client, channel.key, secret, {**base, "type": "transaction", "event_id": "b1"}
        )
        assert miss.status_code == 200 and _gold(client, tok) == before
        answer = _event(
            client, channel.key, secret, {**base, "type": "account_opened", "event_id": "b2"}
        )
    else:
        secret = secret_for(channel)
        other = {**REQUEST, name: "other" if isinstance(REQUEST[name], str) else 1}
        base = {"type": trigger, "participant": "p1", "campaign": "test-draw"}
        miss = _event(client, channel.key, secret, {**base, "event_id": "e1", "data": other})
        assert miss.status_code == 200 and miss.json["campaigns"][0]["fired"] == []
        answer = _event(client, channel.key, secret, {**base, "event_id": "e2", "data": REQUEST})
    assert answer.status_code == 200, answer.json
    assert _gold(client, tok) == before + 1


def test_counters_written_by_the_request_override_the_hot_state(app, redis, token):
    publish(base_bundle())
    _, live = loader.load("test-draw")
    principal = Principal(1, "bank-app", "p", {})
    person = {"cs": "2"}
    values = build_variables(live, principal, person, NOW, None, {"checkin_streak": 3})
    assert values["checkin_streak"] == 3
    assert hotstate.as_int(person, "cs") == 2


def test_event_data_is_typed_by_the_catalogue(app):
    from core.errors import ApiProblem
    from runtime.events import event_variables

    server = {
        n for n, v in catalog.VARIABLES.items() if v.triggers <= {"transaction", "account_opened"}
    }
    data = {name: REQUEST[name] for name in server}
    assert event_variables({**data, "shoe_size": 42}) == data
    for name, wrong in (
        ("transaction_amount", "5000"),
        ("transaction_amount", -1),
        ("transaction_type", 5),
        ("account_type", None),
    ):
        with pytest.raises(ApiProblem) as refused:
            event_variables({name: wrong})
        assert refused.value.status == 422
        assert refused.value.extra["errors"][0]["path"] == f"data.{name}"
