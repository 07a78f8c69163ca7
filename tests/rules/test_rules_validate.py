"""validate_bundle: every error path, with its JSON path and code."""

from __future__ import annotations

import pytest
from rules_factory import make_bundle

import rules
from rules import BundleError, load_bundle, validate_bundle


def codes(bundle):
    return {(p.path, p.code) for p in validate_bundle(bundle)}


def rule_with(conditions=None, actions=None, trigger="share"):
    return [
        {
            "id": "r1",
            "trigger": trigger,
            "conditions": conditions,
            "actions": actions or [{"name": "send_message", "params": {"text": "hi"}}],
        }
    ]


def leaf(name, operator, value=None):
    d = {"name": name, "operator": operator}
    if value is not None:
        d["value"] = value
    return {"all": [d]}


def test_valid_bundle_has_no_problems(bundle):
    assert validate_bundle(bundle) == []


def test_load_bundle_fills_defaults(bundle):
    loaded = load_bundle(bundle)
    assert loaded["limits"]["per_person"]["wins_total"] is None
    assert loaded["audience"]["whitelist"] is None
    assert loaded["prizes"][1]["fallback"] is False
    assert loaded["chances"]["kinds"][1]["daily"] == 0


def test_load_bundle_normalises_conditions_and_params():
    b = make_bundle(
        rules=rule_with(
            leaf("card_bound", "is_true"), [{"name": "award_points", "params": {"amount": 5}}]
        )
    )
    loaded = load_bundle(b)
    assert loaded["rules"][0]["conditions"]["all"][0]["value"] is None
    assert loaded["rules"][0]["actions"][0]["params"] == {"amount": 5, "note": ""}


def test_load_bundle_raises_with_every_problem():
    b = make_bundle(slug="X", prizes=[])
    b["rules"][0]["trigger"] = "nope"
    with pytest.raises(BundleError) as exc:
        load_bundle(b)
    paths = {p.path for p in exc.value.problems}
    assert {"slug", "rules[0].trigger"} <= paths


def test_not_an_object():
    assert [p.code for p in validate_bundle([1, 2])] == ["schema.type"]


@pytest.mark.parametrize(
    "mutate, path, code",
    [
        (lambda b: b.pop("name"), "name", "schema.required"),
        (lambda b: b.update(format="v2"), "format", "schema.format"),
        (lambda b: b.update(slug="A b"), "slug", "schema.format"),
        (lambda b: b["prizes"][0].update(weight="1"), "prizes[0].weight", "schema.type"),
        (lambda b: b["prizes"][0].update(weight=True), "prizes[0].weight", "schema.type"),
        (lambda b: b["prizes"][0].update(stock=1.5), "prizes[0].stock", "schema.type"),
        (lambda b: b["prizes"][0].update(stock=-1), "prizes[0].stock", "schema.range"),
        (lambda b: b["prizes"][0].update(wieght=1), "prizes[0].wieght", "schema.unknown_field"),
        (lambda b: b["prizes"][0].update(fallback="yes"), "prizes[0].fallback", "schema.type"),
        (
            lambda b: b["schedule"].update(timezone="Mars/Base"),
            "schedule.timezone",
            "schema.format",
        ),
        (
            lambda b: b["schedule"].update(starts_at="tomorrow"),
            "schedule.starts_at",
            "schema.format",
        ),
        (
            lambda b: b["schedule"]["windows"][0]["weekly"].update(start="25:00"),
            "schedule.windows[0].weekly.start",
            "schema.format",
        ),
        (
            lambda b: b["schedule"]["windows"][0]["weekly"].update(days=["fri", "friday"]),
            "schedule.windows[0].weekly.days[1]",
            "schema.invalid",
        ),
        (
            lambda b: b["schedule"]["windows"][0].update(monthly={"days": [18]}),
            "schedule.windows[0]",
            "schema.window_shape",
        ),
        (
            lambda b: b["schedule"]["windows"].append({"id": "m", "monthly": {"days": [32]}}),
            "schedule.windows[1].monthly.days[0]",
            "schema.range",
        ),
        (lambda b: b["odds"].update(exhausted="move"), "odds.exhausted", "schema.invalid"),
        (
            lambda b: b["odds"]["boosts"][0].update(factor=0),
            "odds.boosts[0].factor",
            "schema.range",
        ),
        (
            lambda b: b.update(limits={"branch_quotas": {"BR1": -1}}),
            "limits.branch_quotas.BR1",
            "schema.range",
        ),
        (lambda b: b.update(rules={}), "rules", "schema.type"),
        (lambda b: b["rules"][0].update(actions=[]), "rules[0].actions", "schema.required"),
        (lambda b: b["widget"].update(config=[]), "widget.config", "schema.type"),
    ],
)
def test_schema_errors(bundle, mutate, path, code):
    mutate(bundle)
    assert (path, code) in codes(bundle)


def test_schema_and_semantic_problems_reported_together(bundle):
    bundle["prizes"][0]["weight"] = "heavy"
    bundle["rules"][0]["conditions"]["all"][0]["name"] = "nope"
    found = codes(bundle)
    assert ("prizes[0].weight", "schema.type") in found
    assert ("rules[0].conditions.all[0].name", "unknown_variable") in found


@pytest.mark.parametrize(
    "conditions, path, code",
    [
        (leaf("drawz_today", "less_than", 3), "all[0].name", "unknown_variable"),
        (leaf("shares_today", "contains", 3), "all[0].operator", "operator_not_valid"),
        (leaf("shares_today", "less_than", "3"), "all[0].value", "wrong_value_type"),
        (leaf("shares_today", "less_than", True), "all[0].value", "wrong_value_type"),
        (leaf("city", "equal_to", 5), "all[0].value", "wrong_value_type"),
        (leaf("tags", "contains_all", "vip"), "all[0].value", "wrong_value_type"),
        (leaf("customer_segment", "contains", ["new"]), "all[0].value", "wrong_value_type"),
        (leaf("customer_segment", "contains", "vipp"), "all[0].value", "unknown_option"),
        (leaf("active_windows", "contains", "happy_hour"), "all[0].value", "unknown_window"),
        (leaf("transaction_amount", "greater_than", 5), "all[0].name", "variable_not_for_trigger"),
        (leaf("city", "matches_regex", "(a+)+$"), "all[0].value", "unsafe_regex"),
        (leaf("city", "starts_with"), "all[0].value", "missing_value"),
        ({"all": []}, "all", "empty_group"),
        ({"any": [{"all": []}]}, "any[0].all", "empty_group"),
        (
            {"all": [{"name": "age", "operator": "less_than", "value": 3}], "any": []},
            "",
            "condition_shape",
        ),
        ({"all": ["age"]}, "all[0]", "condition_shape"),
        (
            {"all": [{"name": "age", "operator": "less_than", "value": 3, "x": 1}]},
            "all[0].x",
            "unknown_field",
        ),
    ],
)
def test_condition_errors(conditions, path, code):
    full = "rules[0].conditions" + ("." + path if path else "")
    assert (full, code) in codes(make_bundle(rules=rule_with(conditions)))


def test_conditions_too_deep():
    cond = leaf("age", "less_than", 3)
    for _ in range(12):
        cond = {"all": [cond]}
    assert any(c == "too_deep" for _, c in codes(make_bundle(rules=rule_with(cond))))


def test_unknown_variable_suggests_name():
    problems = validate_bundle(make_bundle(rules=rule_with(leaf("drawz_today", "less_than", 1))))
    assert "draws_today" in problems[0].message
    assert problems[0].message_zh


@pytest.mark.parametrize(
    "action, path, code",
    [
        ({"name": "grant_chance", "params": {}}, "name", "unknown_action"),
        ({"name": "grant_chances", "params": {"kind": "gold"}}, "params.count", "missing_param"),
        (
            {"name": "grant_chances", "params": {"kind": "gold", "count": 1, "x": 2}},
            "params.x",
            "unknown_param",
        ),
        (
            {"name": "grant_chances", "params": {"kind": "gold", "count": "1"}},
            "params.count",
            "param_type",
        ),
        (
            {"name": "grant_chances", "params": {"kind": "gold", "count": 0}},
            "params.count",
            "param_type",
        ),
        (
            {"name": "grant_chances", "params": {"kind": "bronze", "count": 1}},
            "params.kind",
            "unknown_chance_kind",
        ),
        ({"name": "grant_chances", "params": {"kind": 3, "count": 1}}, "params.kind", "param_type"),
        ({"name": "issue_prize", "params": {"prize": "car"}}, "params.prize", "unknown_prize"),
        (
            {
                "name": "boost_odds",
                "params": {"prizes": ["iphone", "car"], "factor": 2, "minutes": 5},
            },
            "params.prizes[1]",
            "unknown_prize",
        ),
        (
            {"name": "boost_odds", "params": {"prizes": "iphone", "factor": 2, "minutes": 5}},
            "params.prizes",
            "param_type",
        ),
        (
            {"name": "boost_odds", "params": {"prizes": ["iphone"], "factor": -1, "minutes": 5}},
            "params.factor",
            "param_type",
        ),
        ({"name": "send_message", "params": {"text": "  "}}, "params.text", "param_type"),
    ],
)
def test_action_errors(action, path, code):
    assert (f"rules[0].actions[0].{path}", code) in codes(
        make_bundle(rules=rule_with(actions=[action]))
    )


def test_action_not_for_trigger():
    b = make_bundle(
        rules=rule_with(
            actions=[{"name": "deny", "params": {"message": "no"}}], trigger="transaction"
        )
    )
    assert ("rules[0].actions[0].name", "action_not_for_trigger") in codes(b)


def test_unknown_trigger_and_duplicate_rule_ids(bundle):
    bundle["rules"].append(dict(bundle["rules"][0]))
    bundle["rules"].append({**bundle["rules"][0], "id": "other", "trigger": "dance"})
    found = codes(bundle)
    assert ("rules[1].id", "duplicate_rule") in found
    assert ("rules[2].trigger", "unknown_trigger") in found


def test_reference_and_duplicate_errors(bundle):
    bundle["prizes"].append(dict(bundle["prizes"][1]))
    bundle["prizes"][0]["chance_kinds"] = ["bronze"]
    bundle["chances"]["default_kind"] = "copper"
    bundle["chances"]["kinds"].append({"key": "gold", "name": "again"})
    bundle["schedule"]["windows"].append(dict(bundle["schedule"]["windows"][0]))
    bundle["odds"]["boosts"].append({"window": "lunch", "prizes": ["tv"], "factor": 2})
    found = codes(bundle)
    assert {
        ("prizes[3].key", "duplicate_prize"),
        ("prizes[0].chance_kinds[0]", "unknown_chance_kind"),
        ("chances.default_kind", "unknown_chance_kind"),
        ("chances.kinds[2].key", "duplicate_chance_kind"),
        ("schedule.windows[1].id", "duplicate_window"),
        ("odds.boosts[1].window", "unknown_window"),
        ("odds.boosts[1].prizes[0]", "unknown_prize"),
    } <= found


def test_fallback_rules(bundle):
    bundle["prizes"][1]["fallback"] = True
    assert ("prizes[2].fallback", "fallback_count") in codes(bundle)
    b = make_bundle()
    b["prizes"][2]["fallback"] = False
    assert ("odds.exhausted", "fallback_count") in codes(b)
    b = make_bundle()
    b["prizes"][2].update(stock=5, chance_kinds=["gold"])
    assert {
        ("prizes[2].stock", "fallback_limited"),
        ("prizes[2].chance_kinds", "fallback_restricted"),
    } <= codes(b)


def test_odds_zero(bundle):
    for prize in bundle["prizes"]:
        prize["weight"] = 0
    assert ("prizes", "odds_zero") in codes(bundle)


def test_odds_zero_for_one_chance_kind():
    b = make_bundle()
    b["prizes"] = [dict(b["prizes"][0], chance_kinds=["gold"])]
    b["odds"]["exhausted"] = "remove"
    assert ("chances.kinds[1].key", "odds_zero") in codes(b)


@pytest.mark.parametrize(
    "window, found",
    [
        (
            {"id": "w", "weekly": {"days": ["fri"], "start": "21:00", "end": "20:00"}},
            ("schedule.windows[0].weekly.end", "window_ends_before_start"),
        ),
        (
            {"id": "w", "weekly": {"days": ["fri"], "start": "20:00", "end": "20:00"}},
            ("schedule.windows[0].weekly.end", "window_ends_before_start"),
        ),
        (
            {"id": "w", "monthly": {"days": [18], "start": "21:00", "end": "20:00"}},
            ("schedule.windows[0].monthly.end", "window_ends_before_start"),
        ),
        # November has no 31st
        ({"id": "w", "monthly": {"days": [31]}}, ("schedule.windows[0].id", "window_never_opens")),
        ({"id": "w", "monthly": {"days": [30, 31]}}, None),
        (
            {"id": "w", "dates": {"from": "2026-10-01T00:00:00", "to": "2026-10-31T00:00:00"}},
            ("schedule.windows[0].id", "window_never_opens"),
        ),
        (
            {"id": "w", "dates": {"from": "2026-11-05T00:00:00", "to": "2026-11-04T00:00:00"}},
            ("schedule.windows[0].dates.to", "window_ends_before_start"),
        ),
        ({"id": "w", "dates": {"from": "2026-11-30T23:00:00", "to": "2026-12-05T00:00:00"}}, None),
        ({"id": "w", "monthly": {"days": [18], "start": "00:00", "end": "24:00"}}, None),
    ],
)
def test_a_window_that_ends_before_it_starts_or_never_opens(window, found):
    b = make_bundle()
    b["schedule"]["windows"] = [window]
    b["odds"]["boosts"] = []
    windows = {c for c in codes(b) if c[0].startswith("schedule.windows")}
    assert windows == ({found} if found else set())


def test_window_problems_name_the_window_as_the_marketer_named_it():
    b = make_bundle()
    b["schedule"]["windows"] = [
        {
            "id": "window-1",
            "name": "疯狂一小时",
            "monthly": {"days": [18], "start": "21:00", "end": "20:00"},
        },
        {"id": "window-2", "name": "三十一日", "monthly": {"days": [31]}},
    ]
    b["odds"]["boosts"] = []
    found = {p.path: p for p in validate_bundle(b)}
    backwards = found["schedule.windows[0].monthly.end"]
    assert backwards.message_zh == "时段“疯狂一小时”:结束时间须晚于开始时间。"
    assert "'疯狂一小时'" in backwards.message and "window-1" not in backwards.message
    assert "“三十一日”" in found["schedule.windows[1].id"].message_zh


def test_day_31_opens_in_a_31_day_month():
    b = make_bundle()
    b["schedule"].update(
        starts_at="2026-12-01T00:00:00",
        ends_at="2027-01-01T00:00:00",
        windows=[{"id": "w", "monthly": {"days": [31]}}],
    )
    b["odds"]["boosts"] = []
    assert validate_bundle(b) == []


def test_ends_before_start(bundle):
    bundle["schedule"]["ends_at"] = bundle["schedule"]["starts_at"]
    assert ("schedule.ends_at", "ends_before_start") in codes(bundle)


def test_audience_checks(bundle):
    bundle["audience"] = {"conditions": leaf("share_channel", "contains", "weibo"), "whitelist": []}
    found = codes(bundle)
    assert ("audience.conditions.all[0].name", "variable_not_for_trigger") in found
    assert ("audience.whitelist", "empty_whitelist") in found


@pytest.mark.parametrize(
    "reward, path, code",
    [
        ({"kind": "cash"}, "kind", "unknown_reward_kind"),
        ({"kind": "points"}, "amount", "missing_field"),
        ({"kind": "points", "amount": 0}, "amount", "wrong_type"),
        ({"kind": "points", "amount": 5, "pool": "x"}, "pool", "unknown_field"),
        ({"kind": "coupon_code"}, "pool", "missing_field"),
        ({"kind": "red_packet", "mode": "random", "min": 5, "max": 1}, "max", "range"),
        ({"kind": "red_packet", "mode": "random", "min": 5}, "max", "missing_field"),
        ({"kind": "red_packet", "mode": "fixed"}, "amount", "missing_field"),
        ({"kind": "red_packet", "mode": "lucky"}, "mode", "unknown_option"),
        ({"kind": "webhook"}, "sku", "missing_field"),
    ],
)
def test_reward_errors(bundle, reward, path, code):
    bundle["prizes"][1]["reward"] = reward
    assert (f"prizes[1].reward.{path}", code) in codes(bundle)


@pytest.mark.parametrize(
    "reward, code",
    [
        ({"kind": ["coupon_code"]}, "unknown_reward_kind"),
        ({"kind": {"points": 1}}, "unknown_reward_kind"),
        ({"kind": "points", "amount": 5}, "mall_reward_kind"),
    ],
)
def test_a_mall_reward_of_any_shape_is_a_problem_not_a_crash(bundle, reward, code):
    """A mall right's reward kind that is not text is reported, as for prizes."""
    item = {"key": "gift", "name": "礼品", "price": 100, "reward": reward}
    choice = {"key": "gift", "name": "礼品", "reward": reward}
    bundle["mall"] = {
        "items": [item, {"key": "pick", "name": "任选", "price": 1, "choices": [choice]}]
    }
    found = codes(bundle)
    assert ("mall.items[0].reward.kind", code) in found
    assert ("mall.items[1].choices[0].reward.kind", code) in found


def test_every_problem_is_readable(bundle):
    bundle["rules"][0]["actions"][0]["params"]["kind"] = "bronze"
    for p in validate_bundle(bundle):
        assert p.message and p.message_zh and p.code and p.path


def test_content_hash_is_canonical(bundle):
    reordered = dict(reversed(list(bundle.items())))
    assert rules.content_hash(bundle) == rules.content_hash(reordered)
    bundle["name"] = "另一个"
    assert rules.content_hash(bundle) != rules.content_hash(reordered)
    assert len(rules.content_hash(bundle)) == 64


def test_an_action_not_chosen_asks_what_the_rule_does_and_names_the_rule():
    """The studio's new rule posts an action row with nothing chosen: the problem says what to
    do and which rule, never "unknown action ''"."""
    named = {**rule_with()[0], "id": "r2", "description": "开户礼"}
    b = make_bundle(rules=[*rule_with(actions=[{"name": "", "params": {}}]), named])
    b["rules"][1]["actions"] = [{"name": " ", "params": {}}]
    found = {p.path: p for p in validate_bundle(b)}
    first, second = found["rules[0].actions[0].name"], found["rules[1].actions[0].name"]
    assert (first.code, second.code) == ("choose_action", "choose_action")
    assert first.message_zh == "第 1 条规则:请选择这条规则要做什么(动作)。"
    assert second.message == "Rule '开户礼': choose what the rule does (an action)."
    assert all("未知动作" not in p.message_zh for p in found.values())


@pytest.mark.parametrize(
    "image, ok",
    [
        ("https://img.example/a.png", True),
        ("http://img.example/a.png", True),
        ("/pictures/a.png", True),
        ("javascript:alert(1)", False),
        ("phone.png", False),
        ("//evil.example/a.png", False),
        ("data:image/png;base64,AAAA", False),
        ("https://img.example/a b.png", False),
    ],
)
def test_a_mall_picture_is_an_http_address_or_a_path_on_the_site(bundle, image, ok):
    item = {"key": "gift", "name": "礼品", "price": 100, "image": image, "reward": {"kind": "none"}}
    bundle["mall"] = {"items": [item]}
    problems = [p for p in validate_bundle(bundle) if p.path == "mall.items[0].image"]
    assert not problems if ok else [p.code for p in problems] == ["schema.picture_url"]
    if not ok:
        assert problems[0].message_zh.startswith("图片地址须以 http:// 或 https:// 开头")
