"""The head office overview and the branch report.

The overview shows one node of the branch tree (head office, a region, a branch) and its
children side by side: each child's figures summed over its whole subtree, ranked, with the
change against the previous period of the same length; clicking a child drills down to it.
A branch's figures are its customers' (the branch each participant joined with), across all
campaigns. Users see their own branch and below it only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from builder.reports import queries
from builder.reports.campaign import bundle_of
from builder.reports.periods import Period
from core.extensions import db
from core.models import MEASURES, Branch, Campaign

EVER = Period(date(2000, 1, 1), date(9999, 12, 31))
SHOWN = ("joins", "drawers", "draws", "wins", "rewards", "shares", "leads")
UNASSIGNED = ""


@dataclass(frozen=True)
class Node:
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None


class Tree:
    """The branch tree with each node's subtree codes."""

    def __init__(self, lang: str) -> None:
        self.nodes: dict[int, Node] = {}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for b in db.session.execute(
            select(
                Branch.id, Branch.code, Branch.name, Branch.name_en, Branch.level, Branch.parent_id
            )
        ):
            name = (b.name_en or b.name) if lang == "en" else b.name
            self.nodes[b.id] = Node(b.id, b.code, name, b.level, b.parent_id)
            self.children[b.parent_id].append(b.id)
        for ids in self.children.values():
            ids.sort(key=lambda i: self.nodes[i].code)
        self.by_code = {node.code: node.id for node in self.nodes.values()}

    def subtree(self, branch_id: int) -> set[int]:
        found, stack = set(), [branch_id]
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(self.children.get(current, []))
        return found

    def codes(self, branch_id: int) -> set[str]:
        return {self.nodes[i].code for i in self.subtree(branch_id)}

    def path(self, branch_id: int, scope: set[int]) -> list[Node]:
        """From the highest node the user may see down to `branch_id` (breadcrumbs)."""
        chain, current = [], branch_id
        while current is not None and current in scope and current not in [n.id for n in chain]:
            chain.append(self.nodes[current])
            current = self.nodes[current].parent_id
        return list(reversed(chain))

    def is_root(self, branch_id: int) -> bool:
        return self.nodes[branch_id].parent_id is None


def _change(now: int, before: int) -> float | None:
    return (now - before) / before if before else None


@dataclass
class Overview:
    node: Node
    period: Period
    previous: Period
    path: list[Node]
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)
    daily: list[dict[str, Any]] = field(default_factory=list)


def _by_code(period: Period, codes: set[str] | None) -> dict[str, dict[str, int]]:
    rows = queries.day_sums(period, group_by=["branch_code"], branch_codes=codes)
    return {row["branch_code"]: {m: int(row[m] or 0) for m in MEASURES} for row in rows}


def _add(target: dict[str, int], counts: dict[str, int]) -> None:
    for m in MEASURES:
        target[m] = target.get(m, 0) + counts.get(m, 0)


def _running(period: Period) -> list[int]:
    """Owning branch of every published campaign that ran during the period (one query)."""
    start, end = period.start.isoformat(), period.end.isoformat()
    owners = []
    for branch_id, starts_at, ends_at in db.session.execute(
        select(Campaign.branch_id, Campaign.starts_at, Campaign.ends_at).where(
            Campaign.published_version_id.is_not(None)
        )
    ):
        began = starts_at.date().isoformat() if starts_at else ""
        ended = ends_at.date().isoformat() if ends_at else "9999"
        if began <= end and ended >= start:
            owners.append(branch_id)
    return owners


def overview(tree: Tree, node_id: int, scope: set[int], period: Period) -> Overview:
    """`node_id`'s children (and the node's own customers) in `period` and the one before."""
    node, previous = tree.nodes[node_id], period.previous()
    # head office also sees customers whose branch code names no branch (or none at all)
    codes = None if tree.is_root(node_id) else tree.codes(node_id)
    now, before = _by_code(period, codes), _by_code(previous, codes)
    result = Overview(node, period, previous, tree.path(node_id, scope))
    groups: list[tuple[Node | None, set[str]]] = [
        (tree.nodes[child], tree.codes(child)) for child in tree.children.get(node_id, [])
    ]
    groups.append((node, {node.code}))
    if codes is None:
        known = set(tree.by_code)
        groups.append((None, {c for c in set(now) | set(before) if c not in known}))
    running = _running(period)
    for member, member_codes in groups:
        current: dict[str, int] = {}
        earlier: dict[str, int] = {}
        for code in member_codes:
            _add(current, now.get(code, {}))
            _add(earlier, before.get(code, {}))
        if member is None and not any(current.values()) and not any(earlier.values()):
            continue
        campaigns = None
        if member is not None and member is not node:
            subtree = tree.subtree(member.id)
            campaigns = sum(1 for owner in running if owner in subtree)
        result.rows.append(_row(member, node, current, earlier, campaigns))
    ranked = sorted(result.rows, key=lambda r: (-r["draws"], -r["joins"], r["name"]))
    for rank, row in enumerate(ranked, 1):
        row["rank"] = rank
    result.rows = ranked
    _totals(result, now, before)
    _daily(result, codes)
    return result


def _row(member, node, current, earlier, campaigns: int | None) -> dict[str, Any]:
    own = member is node
    row: dict[str, Any] = {
        "id": None if member is None or own else member.id,
        "code": member.code if member else UNASSIGNED,
        "name": member.name if member else None,
        "own": own,
        "level": member.level if member else "",
        "campaigns": campaigns,
    }
    for m in SHOWN:
        row[m] = current.get(m, 0)
        row[f"{m}_before"] = earlier.get(m, 0)
        row[f"{m}_change"] = _change(current.get(m, 0), earlier.get(m, 0))
    return row


def _totals(result: Overview, now, before) -> None:
    current: dict[str, int] = {}
    earlier: dict[str, int] = {}
    for row in result.rows:
        for m in SHOWN:
            current[m] = current.get(m, 0) + row[m]
            earlier[m] = earlier.get(m, 0) + row[f"{m}_before"]
    result.totals = {
        **current,
        **{f"{m}_before": earlier.get(m, 0) for m in SHOWN},
        **{f"{m}_change": _change(current.get(m, 0), earlier.get(m, 0)) for m in SHOWN},
    }


def _daily(result: Overview, codes: set[str] | None) -> None:
    """The subtree's draws and participants per day, this period beside the previous one."""
    for period, key in ((result.period, "now"), (result.previous, "before")):
        rows = {
            row["day"]: row
            for row in queries.day_sums(period, group_by=["day"], branch_codes=codes)
        }
        for n, day in enumerate(period.day_list()):
            if key == "now":
                result.daily.append({"day": day})
            target = result.daily[n]
            found = rows.get(day, {})
            target[f"draws_{key}"] = int(found.get("draws") or 0)
            target[f"joins_{key}"] = int(found.get("joins") or 0)


@dataclass
class BranchReport:
    node: Node
    period: Period
    path: list[Node]
    campaigns: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    daily: list[dict[str, Any]] = field(default_factory=list)


def branch_report(
    tree: Tree, branch_id: int, scope: set[int], period: Period, lang: str
) -> BranchReport:
    """A branch's customers in every campaign, the campaigns the branch runs, its quota use."""
    node = tree.nodes[branch_id]
    codes = tree.codes(branch_id)
    report = BranchReport(node, period, tree.path(branch_id, scope))
    rows = queries.day_sums(period, group_by=["campaign_id"], branch_codes=codes)
    activity = {row["campaign_id"]: row for row in rows}
    all_wins = {  # quotas count a branch's wins over the whole campaign
        row["campaign_id"]: int(row["wins"] or 0)
        for row in queries.day_sums(EVER, group_by=["campaign_id"], branch_codes={node.code})
    }
    owned = set(tree.subtree(branch_id))
    campaigns = db.session.scalars(
        select(Campaign)
        .where((Campaign.branch_id.in_(owned)) | (Campaign.id.in_(list(activity))))
        .order_by(Campaign.starts_at.desc().nulls_last(), Campaign.id)
    ).all()
    for campaign in campaigns:
        counts = activity.get(campaign.id, {})
        quotas = (bundle_of(campaign).get("limits") or {}).get("branch_quotas") or {}
        quota = quotas.get(node.code)
        report.campaigns.append(
            {
                "id": campaign.id,
                "name": campaign.name,
                "status": campaign.status,
                "owned": campaign.branch_id in owned,
                "in_scope": campaign.branch_id in scope,
                **{m: int(counts.get(m) or 0) for m in MEASURES},
                "quota": quota,
                "quota_used": all_wins.get(campaign.id, 0) if quota is not None else None,
                "quota_share": (all_wins.get(campaign.id, 0) / quota) if quota else None,
            }
        )
    report.totals = queries.totals(list(activity.values()))
    by_day = {
        row["day"]: row for row in queries.day_sums(period, group_by=["day"], branch_codes=codes)
    }
    for day in period.day_list():
        found = by_day.get(day, {})
        report.daily.append({"day": day, **{m: int(found.get(m) or 0) for m in MEASURES}})
    return report
