"""What a draw needs from a published version, derived once per version and process.

A version never changes, so the admission spec of every prize, its public view, its reward
kind and payload, and the draw limits are computed on the first draw of a version and kept
on the cached LiveVersion (runtime.loader), not rebuilt on every draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rules.draws import Price, reward_costs
from runtime.actions import reward_payload
from runtime.loader import LiveVersion
from widgets.rewards import bundle_currency, public_reward


def varies(prize: dict[str, Any]) -> bool:
    """True when what a win takes from an issuer limit is drawn per win (random red packet)."""
    reward = prize["reward"]
    return reward["kind"] == "red_packet" and reward.get("mode") == "random"


def prize_spec(live: LiveVersion, key: str | None) -> dict[str, Any] | None:
    """A prize as draw.lua / undo_draw.lua see it; `costs` are its issuer limits (a random
    red packet's are drawn per draw: runtime.draw sets them)."""
    if key is None or key not in live.prizes:
        return None
    prize = live.prizes[key]
    costs = [] if varies(prize) else [c.to_list() for c in reward_costs(prize["reward"])]
    return {
        "key": key,
        "limited": prize["stock"] is not None,
        "daily": prize["daily_release"],
        "win": not prize["fallback"],
        "per_person": prize["per_person_limit"],
        "costs": costs or None,
    }


def public_prize(live: LiveVersion, key: str | None) -> dict[str, Any] | None:
    """A prize as participants see it (campaign view, draw answers): names, picture, whether
    it is the consolation prize, and its reward by kind and unit (widgets.rewards)."""
    if key is None:
        return None
    p = live.prizes[key]
    return {
        "key": key,
        "name": p["name"],
        "name_en": p.get("name_en"),
        "image": p.get("image"),
        "reward_kind": p["reward"]["kind"],
        "reward": public_reward(p["reward"], bundle_currency(live.bundle)),
        "fallback": p["fallback"],
    }


@dataclass(frozen=True)
class DrawPlan:
    specs: dict[str, dict[str, Any]]  # prize key -> prize_spec, None values dropped (cjson)
    public: dict[str, dict[str, Any]]  # prize key -> public_prize
    rewards: dict[str, tuple[str, dict[str, Any]]]  # prize key -> (reward kind, payload)
    limits: dict[str, Any]  # per-person draw/win limits for draw.lua (None values dropped)
    branch_quotas: dict[str, int]
    prices: dict[str, Price] = field(default_factory=dict)  # prizes whose cost varies per win

    def spec(self, key: str | None) -> dict[str, Any] | None:
        return None if key is None else self.specs.get(key)


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def draw_plan(live: LiveVersion) -> DrawPlan:
    found = live.memo.get("draw_plan")
    if found is None:
        per_person = live.bundle["limits"]["per_person"]
        limits = {
            name: per_person[name]
            for name in ("draws_per_day", "draws_total", "wins_total", "wins_per_day")
        }
        found = live.memo["draw_plan"] = DrawPlan(
            specs={key: _without_none(prize_spec(live, key)) for key in live.prizes},
            public={key: public_prize(live, key) for key in live.prizes},
            rewards={
                key: (prize["reward"]["kind"], reward_payload(live, key))
                for key, prize in live.prizes.items()
                if prize["reward"]["kind"] != "none"
            },
            limits=_without_none(limits),
            branch_quotas=dict(live.bundle["limits"]["branch_quotas"]),
            prices={
                key: Price(prize["reward"]) for key, prize in live.prizes.items() if varies(prize)
            },
        )
    return found
