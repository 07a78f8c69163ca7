"""Branch scope, the unit of access control: a user reaches their own branch and every branch
below it. The head office is a user whose branch is the root of the tree (no parent)."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.models import Branch, User


def branch_children() -> dict[int | None, list[int]]:
    """Parent id -> child ids, for the whole tree (one query; a bank has hundreds of branches)."""
    children: dict[int | None, list[int]] = {}
    for branch_id, parent_id in db.session.execute(select(Branch.id, Branch.parent_id)):
        children.setdefault(parent_id, []).append(branch_id)
    return children


def branch_subtree(branch_id: int) -> set[int]:
    """Ids of the branch and every branch below it (safe against a cycle in the data)."""
    children = branch_children()
    scope, stack = set(), [branch_id]
    while stack:
        current = stack.pop()
        if current not in scope:
            scope.add(current)
            stack.extend(children.get(current, []))
    return scope


def user_scope(user: User) -> set[int]:
    return branch_subtree(user.branch_id)


def is_head_office(user: User) -> bool:
    """True for staff of the root branch: they see the whole tree and bank-wide records."""
    parent = db.session.scalar(select(Branch.parent_id).where(Branch.id == user.branch_id))
    return parent is None


def ancestors(branch_id: int) -> list[int]:
    """The chain of parents above `branch_id`, nearest first; stops at a repeat (a cycle)."""
    parents = dict(db.session.execute(select(Branch.id, Branch.parent_id)).all())
    chain: list[int] = []
    current = parents.get(branch_id)
    while current is not None and current not in chain and current != branch_id:
        chain.append(current)
        current = parents.get(current)
    if current == branch_id:
        chain.append(current)  # the branch is its own ancestor: a cycle
    return chain
