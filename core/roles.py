"""Staff roles: what each may do in the studio. Labels are shown in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    key: str
    name_zh: str
    name_en: str
    permissions: frozenset[str]


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
                }
            ),
        ),
        Role("marketer", "营销人员", "Marketer", frozenset({"view", "edit_campaign"})),
        Role("approver", "审批人", "Approver", frozenset({"view", "approve", "publish"})),
        Role("auditor", "审计员", "Auditor", frozenset({"view", "audit"})),
        Role("operator", "运营人员", "Operations", frozenset({"view", "operate_rewards"})),
    )
}
ROLE_KEYS = tuple(ROLES)


def has_permission(role_key: str, permission: str) -> bool:
    role = ROLES.get(role_key)
    return role is not None and permission in role.permissions
