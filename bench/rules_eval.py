"""Time the compiled rule evaluator against business-rules' run_all on the same rule set.

Run: .venv/bin/python bench/rules_eval.py
10 rules x 6 conditions each (numeric, string, boolean, select, select_multiple, nested any).
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from business_rules.engine import run_all  # noqa: E402

from rules import compile_bundle, load_bundle  # noqa: E402
from rules.engine_adapter import catalog_actions_class, catalog_variables_class  # noqa: E402
from rules.templates import load_template  # noqa: E402


def rule(i: int) -> dict:
    return {
        "id": f"rule-{i}",
        "trigger": "share",
        "conditions": {
            "all": [
                {"name": "shares_today", "operator": "less_than", "value": 3 + i},
                {"name": "age", "operator": "greater_than_or_equal_to", "value": 18},
                {"name": "city", "operator": "starts_with", "value": "青"},
                {"name": "card_bound", "operator": "is_true"},
                {"name": "customer_segment", "operator": "does_not_contain", "value": "dormant"},
                {
                    "any": [
                        {
                            "name": "tags",
                            "operator": "shares_at_least_one_element_with",
                            "value": ["vip", "payroll"],
                        },
                        {"name": "points_balance", "operator": "greater_than", "value": 1000.5},
                    ]
                },
            ]
        },
        "actions": [{"name": "grant_chances", "params": {"kind": "silver", "count": 1}}],
    }


def main() -> None:
    bundle = load_template("icbc_treasure_dig")
    bundle["rules"] = [rule(i) for i in range(10)]
    loaded = load_bundle(bundle)
    campaign = compile_bundle(bundle)
    variables = {
        "shares_today": 5,
        "age": 30,
        "city": "青岛",
        "card_bound": True,
        "customer_segment": "existing",
        "tags": ["young", "payroll"],
        "points_balance": 20,
    }
    variables_cls, actions_cls = catalog_variables_class(), catalog_actions_class()

    def reference() -> list:
        actions = actions_cls()
        run_all(loaded["rules"], variables_cls(variables), actions)
        return actions.fired

    def compiled() -> list:
        return campaign.run("share", variables).actions

    assert compiled() == reference(), "compiled and business-rules disagree"
    fired = len(compiled())
    n = 20_000
    ref = min(timeit.repeat(reference, number=n, repeat=3)) / n
    fast = min(timeit.repeat(compiled, number=n, repeat=3)) / n
    print(f"rule set: 10 rules x 6 conditions, {fired} rules fire")
    print(f"business-rules run_all: {ref * 1e6:8.2f} us per evaluation")
    print(f"compiled evaluator:     {fast * 1e6:8.2f} us per evaluation")
    print(f"ratio: {ref / fast:.1f}x")


if __name__ == "__main__":
    main()
