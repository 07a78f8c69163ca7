"""The words every catalogue shares: the value types of variables and the triggers a rule
listens to (rules.catalog and rules.catalog_actions build on them)."""

from __future__ import annotations

NUMERIC, STRING, BOOLEAN, SELECT, SELECT_MULTIPLE = (
    "numeric",
    "string",
    "boolean",
    "select",
    "select_multiple",
)

TRIGGERS: dict[str, tuple[str, str]] = {
    "join": ("参加活动", "Join"),
    "draw": ("抽奖", "Draw"),
    "share": ("分享", "Share"),
    "referral": ("邀请好友成功", "Referral (inviter side)"),
    "check_in": ("签到", "Check-in"),
    "vote": ("投票", "Vote"),
    "lead": ("提交意向", "Lead form"),
    "transaction": ("交易完成", "Transaction (server event)"),
    "account_opened": ("开户完成", "Account opened (server event)"),
    "badge": ("获得勋章", "Badge earned (a task's badge)"),
}
ALL_TRIGGERS = frozenset(TRIGGERS)
