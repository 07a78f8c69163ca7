"""What a participant may see of a prize's reward: its kind and its amount in its own unit
(points, money), never its code pool, partner SKU or cost to the bank.

The participant API's campaign view (runtime.draw_plan.public_prize) and the H5 pages
(Widget.page_data) both describe rewards with `public_reward`, and the pages name a reward
from it with one helper (`rewardLabel` in static/common/page.js): "100 积分", "¥1.88", a
coupon's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT_CURRENCY = "CNY"


def bundle_currency(bundle: Mapping[str, Any]) -> str:
    """The currency money rewards are paid in: the campaign budget's (CNY by default)."""
    budget = (bundle.get("limits") or {}).get("budget") or {}
    return budget.get("currency") or DEFAULT_CURRENCY


def public_reward(reward: Mapping[str, Any], currency: str = DEFAULT_CURRENCY) -> dict[str, Any]:
    """`{kind}` plus, for points, `amount` (points) and, for red packets, `currency` with
    `amount` (fixed) or `min`/`max` (random)."""
    kind = reward.get("kind", "none")
    found: dict[str, Any] = {"kind": kind}
    if kind == "points":
        found["amount"] = reward.get("amount")
    elif kind == "red_packet":
        found["currency"] = currency
        if reward.get("mode") == "random":
            found["min"], found["max"] = reward.get("min"), reward.get("max")
        else:
            found["amount"] = reward.get("amount")
    return found
