"""Who decides each approval level of a campaign: the owning branch's ancestry.

A campaign owned by branch B needs `B.approval_levels` approvals. Level 1 is decided at B
itself, level 2 at B's parent, level 3 at its parent's parent, and so on up the branch tree
(seed 000: branch -> region -> head office). When B asks for more levels than it has branches
above it, the remaining levels are decided at the top of the tree (head office), each by
another person. An approver decides a level only when their own branch is that level's branch:
an approver elsewhere in the tree, above or beside it, cannot; nobody decides two levels of one
round, and nobody who wrote the draft decides any (builder.approvals enforces both).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.extensions import db
from core.models import Branch, Campaign
from core.scope import ancestors


@dataclass(frozen=True)
class Level:
    """One approval level: its number (1 = first) and the branch whose approvers decide it."""

    number: int
    branch_id: int
    branch_name: str
    branch_name_en: str | None


def ancestry(branch_id: int) -> list[int]:
    """The branch, then every branch above it up to the top, nearest first (cycle-safe)."""
    chain = [branch_id]
    for parent in ancestors(branch_id):
        if parent in chain:
            break
        chain.append(parent)
    return chain


def level_branches(branch_id: int, levels: int) -> list[int]:
    """The branch deciding each of `levels` levels for a campaign owned by `branch_id`."""
    chain = ancestry(branch_id)
    return [chain[min(index, len(chain) - 1)] for index in range(levels)]


def chain_for(campaign: Campaign) -> list[Level]:
    """Every level of the campaign's approval chain, in order."""
    ids = level_branches(campaign.branch_id, campaign.branch.approval_levels)
    names = {
        b.id: b for b in db.session.scalars(select(Branch).where(Branch.id.in_(set(ids)))).all()
    }
    return [
        Level(number, branch_id, names[branch_id].name, names[branch_id].name_en)
        for number, branch_id in enumerate(ids, start=1)
    ]
