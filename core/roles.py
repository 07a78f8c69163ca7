"""Staff roles: what each may do in the studio, and which roles each may grant. Labels are
shown in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    key: str
    name_zh: str
    name_en: str
    permissions: frozenset[str]
    # Higher ranks hold more power; a user grants only roles ranked no higher than their own.
    rank: int = 1


ROLES: dict[str, Role] = {
    role.key: role
    for role in (
        Role(
            "admin",
            "系统管理员",
            "Administrator",
            frozenset(
                {
                    "view",
                    "edit_campaign",
                    "approve",
                    "publish",
                    "audit",
                    "manage_staff",
                    "manage_channels",
                    "operate_rewards",
                    "view_journeys",
                }
            ),
            rank=2,
        ),
        Role("marketer", "营销人员", "Marketer", frozenset({"view", "edit_campaign"})),
        # approvers are the branch managers: they see the journeys of their subtree's campaigns
        Role(
            "approver",
            "审批人",
            "Approver",
            frozenset({"view", "approve", "publish", "view_journeys"}),
        ),
        Role("auditor", "审计员", "Auditor", frozenset({"view", "audit", "view_journeys"})),
        Role("operator", "运营人员", "Operations", frozenset({"view", "operate_rewards"})),
    )
}
ROLE_KEYS = tuple(ROLES)


def has_permission(role_key: str, permission: str) -> bool:
    role = ROLES.get(role_key)
    return role is not None and permission in role.permissions


def grantable_roles(role_key: str) -> tuple[str, ...]:
    """The roles a user with `role_key` may give to staff in their branch subtree: none
    without the manage_staff permission, else every role ranked no higher than their own."""
    granter = ROLES.get(role_key)
    if granter is None or "manage_staff" not in granter.permissions:
        return ()
    return tuple(key for key, role in ROLES.items() if role.rank <= granter.rank)


# Permissions that change something (data, money, people); reading needs only view or audit.
CHANGING_PERMISSIONS = frozenset(
    {
        "edit_campaign",
        "approve",
        "publish",
        "manage_staff",
        "manage_channels",
        "operate_rewards",
    }
)


def least_privileged(keys: tuple[str, ...] = ROLE_KEYS) -> str:
    """The role among `keys` that can change the least: fewest changing permissions, then
    fewest permissions. New staff accounts start with it (an auditor today: read-only)."""
    return min(
        keys,
        key=lambda k: (
            len(ROLES[k].permissions & CHANGING_PERMISSIONS),
            len(ROLES[k].permissions),
            ROLE_KEYS.index(k),
        ),
    )
