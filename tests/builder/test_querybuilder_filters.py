"""The rule builder offers a choice variable only when the campaign has something to choose:
QueryBuilder refuses a select filter without values (the page would fail to load)."""

from builder.editor import querybuilder


def test_a_choice_variable_without_options_is_not_offered():
    ids = [f["id"] for f in querybuilder.filters("draw", "en", {"badges": []})]
    assert "badges" not in ids and "badges_count" in ids


def test_a_choice_variable_lists_the_campaigns_own_options():
    found = querybuilder.filters("draw", "zh", {"badges": [("b1", "开户勋章")]})
    badges = next(f for f in found if f["id"] == "badges")
    assert badges["values"] == [{"b1": "开户勋章"}]
