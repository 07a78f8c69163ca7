"""Who may change whom (invariant 7): staff and branches are edited only inside the editor's
own subtree, roles are granted only up to the editor's own rank (core.roles), and the branch
tree keeps one root with no cycles. Plain functions over plain values, so the studio views
and the tests share them."""

from __future__ import annotations

from typing import Any

from builder.i18n import N_
from core.models import User
from core.roles import grantable_roles
from core.scope import ancestors, is_head_office, user_scope


class AccessError(ValueError):
    """A change beyond the editor's rights; `field` names the form field to fix."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def check_staff_change(editor: User, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    """`before`/`after`: the staff row's columns (None before a create). The editor must reach
    the user's branch before and after the change, and be able to grant both roles."""
    scope = user_scope(editor)
    grantable = grantable_roles(editor.role)
    if before is not None:
        if before["branch_id"] not in scope:
            raise AccessError("branch", N_("This user belongs to a branch outside yours."))
        if before["role"] not in grantable:
            raise AccessError("role", f"Your role cannot change a user who is {before['role']}.")
    if after["branch_id"] not in scope:
        raise AccessError("branch", N_("Choose your own branch or a branch below it."))
    if after["role"] not in grantable:
        raise AccessError("role", f"Your role cannot grant the role {after['role']}.")


def check_branch_change(editor: User, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    """A branch is created or edited below the editor's own branch, under a parent inside the
    editor's subtree, without making a cycle; only head office staff edit their own (root)
    branch, and nobody adds a second root or moves the root."""
    scope = user_scope(editor)
    head_office = is_head_office(editor)
    branch_id, parent_id = after["id"], after["parent_id"]
    if before is not None:
        if before["id"] not in scope:
            raise AccessError("parent", N_("This branch lies outside yours."))
        if before["id"] == editor.branch_id and not head_office:
            raise AccessError("parent", N_("Your own branch is managed by the branches above it."))
    was_root = before is not None and before["parent_id"] is None
    if parent_id is None:
        if not (was_root and head_office):
            raise AccessError("parent", N_("Choose a parent branch: only head office is the top."))
    elif was_root:
        raise AccessError("parent", N_("Head office stays at the top of the tree."))
    else:
        if parent_id not in scope:
            raise AccessError("parent", N_("Choose your own branch or a branch below it."))
        if parent_id == branch_id or branch_id in ancestors(parent_id):
            raise AccessError("parent", N_("A branch cannot sit below itself or its own branches."))
    if after.get("level") == "hq" and parent_id is not None:
        raise AccessError("level", N_("Only the top of the tree is head office."))
