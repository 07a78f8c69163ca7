"""The rights library's logic: the reward a right gives, its checks, who may use it, and the
stock of coupon rights (codes left, low-stock alerts). Plain functions over the database, so
the studio's views, the editor and the demo share them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from builder.i18n import N_, translate
from core.extensions import db
from core.models import CouponPool, Right
from core.scope import ancestors, branch_subtree
from rules.rewards import REWARD_KINDS, RewardField, check_config, normalise_reward

# the reward fields a right keeps in its own columns rather than in `config`
RIGHT_COLUMNS = ("valid_days", "message")


def config_fields(kind: str) -> tuple[RewardField, ...]:
    """The fields of `kind` a right's form asks for beside its own columns."""
    return tuple(f for f in REWARD_KINDS[kind].fields if f.name not in RIGHT_COLUMNS)


def right_reward(right: Right) -> dict[str, Any]:
    """The `reward` a prize filled from `right` carries: the kind, its fields, and the right's
    validity and arrival message where the kind takes them."""
    names = {f.name for f in REWARD_KINDS[right.kind].fields}
    reward: dict[str, Any] = {"kind": right.kind}
    reward.update({k: v for k, v in (right.config or {}).items() if k in names})
    for column in RIGHT_COLUMNS:
        value = getattr(right, column)
        if column in names and value not in (None, ""):
            reward[column] = value
    return reward


# rules.rewards problem code -> what the studio says next to the field (its label names it)
FIELD_MESSAGES = {
    "missing_field": N_("This kind of reward needs this field."),
    "unknown_option": N_("Choose from the list."),
    "wrong_type": N_("This value is not valid here."),
    "range": N_("Must not be below the smallest amount."),
}


def reward_problems(kind: str, config: dict[str, Any]) -> dict[str, str]:
    """field name -> message for each problem of a right's reward fields (rules.rewards)."""
    problems: dict[str, str] = {}
    for path, code, _message, _message_zh in check_config(kind, config, ""):
        problems.setdefault(
            path, translate(FIELD_MESSAGES.get(code, "This value is not valid here."))
        )
    return problems


def usable_rights(branch_id: int) -> list[Right]:
    """Active rights a campaign of `branch_id` may pick: its branch's and its ancestors'."""
    return list(
        db.session.scalars(
            select(Right)
            .where(Right.active.is_(True), Right.branch_id.in_({branch_id, *ancestors(branch_id)}))
            .order_by(Right.category, Right.key)
        )
    )


def visible_branches(branch_id: int) -> set[int]:
    """Whose rights and lists a user of `branch_id` sees: their subtree's (to manage) and
    their ancestors' (to use)."""
    return branch_subtree(branch_id) | set(ancestors(branch_id))


def editor_choices(rights: list[Right], lang: str) -> list[dict[str, Any]]:
    """What the prize row's "from the rights library" select needs of each right."""
    return [
        {
            "key": r.key,
            "label": right_label(r, lang),
            "name": r.name,
            "name_en": r.name_en or "",
            "cost": r.cost,
            "reward": normalise_reward(right_reward(r)),
        }
        for r in rights
    ]


def right_label(right: Right, lang: str) -> str:
    name = (right.name_en or right.name) if lang == "en" else right.name
    return f"{name} ({right.key})"


def stock_levels(rights: list[Right]) -> dict[str, dict[str, Any]]:
    """right key -> {"pool", "total", "left", "low"} for the coupon rights among `rights`."""
    from runtime.issuance.coupons import pool_levels

    pools = {r.key: r.pool_key for r in rights if r.pool_key}
    levels = pool_levels(db.session, sorted(set(pools.values())))
    out = {}
    for right in rights:
        if right.key not in pools:
            continue
        level = levels.get(pools[right.key], {"total": 0, "left": 0})
        threshold = right.low_stock_threshold
        out[right.key] = {
            "pool": pools[right.key],
            **level,
            "low": threshold is not None and level["left"] <= threshold,
        }
    return out


def low_stock(branch_ids: set[int]) -> list[dict[str, Any]]:
    """Active coupon rights of these branches whose pools are at or below their threshold."""
    rights = db.session.scalars(
        select(Right)
        .where(
            Right.active.is_(True),
            Right.kind == "coupon_code",
            Right.low_stock_threshold.is_not(None),
            Right.branch_id.in_(branch_ids),
        )
        .order_by(Right.key)
    ).all()
    levels = stock_levels(list(rights))
    return [
        {"right": r, **levels[r.key]} for r in rights if r.key in levels and levels[r.key]["low"]
    ]


def pool_alerts(pool_keys: list[str]) -> dict[str, dict[str, Any]]:
    """pool key -> the stock level of the coupon right that uses it (for the pools page)."""
    rights = db.session.scalars(select(Right).where(Right.kind == "coupon_code")).all()
    mine = [r for r in rights if r.pool_key in set(pool_keys)]
    levels = stock_levels(mine)
    return {levels[r.key]["pool"]: {**levels[r.key], "right": r} for r in mine if r.key in levels}


def ensure_pool(right: Right) -> CouponPool | None:
    """A coupon right's pool, created empty on first use (codes are uploaded to it later);
    the pool's redemption count follows the right's, which is where operators set it."""
    key = right.pool_key
    if not key:
        return None
    pool = db.session.scalar(select(CouponPool).where(CouponPool.key == key))
    if pool is None:
        pool = CouponPool(key=key, name=right.name, redemption_limit=right.redemption_limit)
        db.session.add(pool)
    else:
        pool.redemption_limit = right.redemption_limit
    return pool
