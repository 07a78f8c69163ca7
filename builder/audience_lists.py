"""The audience library: whitelists and tag segments uploaded as CSV, each upload a new
version with a validation report; campaigns name them in `audience.whitelist_ref` and
`audience.segment_ref` (runtime.references pins the version, runtime.audiences checks joins).

An upload is all or nothing: a file with a refused line, or with no id at all, creates no
version and the report lists every refused line with its number and reason.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select

from builder.i18n import N_
from core import audit
from core.extensions import db
from core.models import AudienceList, AudienceListVersion, AudienceMember, Channel, User
from core.models.audiences import AUDIENCE_LIST_KINDS
from core.scope import user_scope

logger = logging.getLogger(__name__)

MAX_ID_LENGTH = 128  # a participant id is a token's `sub` (runtime.auth)
MAX_MEMBERS = 1_000_000
MAX_NAME_LENGTH = 100
INSERT_CHUNK = 10_000
HEADERS = ("participant", "participant_id", "id", "customer_id", "客户号", "客户编号", "参与者")
SHOWN_LINES = 200  # refused and repeated lines kept in a report

# why a line is refused, worded for the studio (the report stores the key)
LINE_REASONS = {
    "too_long": N_("longer than 128 characters"),
    "control_character": N_("contains a control character"),
}
KIND_LABELS = {"whitelist": N_("Whitelist"), "segment": N_("Tag segment")}


class ListError(ValueError):
    """A refused list or upload; `field` names the form field, `message` is a msgid."""

    def __init__(self, field: str, message: str, report: dict[str, Any] | None = None):
        super().__init__(f"{field}: {message}")
        self.field, self.message, self.report = field, message, report


@dataclass
class ListReport:
    """What an upload found: ids accepted, repeats, refused lines (number and reason)."""

    lines: int = 0
    accepted: int = 0
    header: bool = False
    repeated: int = 0
    repeated_lines: list[dict[str, int]] = field(default_factory=list)  # {"line", "first"}
    refused: list[dict[str, Any]] = field(default_factory=list)  # {"line", "reason"}
    refused_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "accepted": self.accepted,
            "header": self.header,
            "repeated": self.repeated,
            "repeated_lines": self.repeated_lines,
            "refused": self.refused,
            "refused_count": self.refused_count,
        }


def parse_members(text: str) -> tuple[list[str], ListReport]:
    """The ids of a CSV file (first column; blank lines and a header row skipped; other
    columns ignored), and the report of what was accepted, repeated and refused."""
    report, ids, first_seen = ListReport(), [], {}
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        report.lines = number
        value = row[0].strip() if row else ""
        if not value:
            continue
        if number == 1 and value.lower() in HEADERS:
            report.header = True
            continue
        reason = None
        if len(value) > MAX_ID_LENGTH:
            reason = "too_long"
        elif any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            reason = "control_character"
        if reason:
            report.refused_count += 1
            if len(report.refused) < SHOWN_LINES:
                report.refused.append({"line": number, "reason": reason})
            continue
        if value in first_seen:
            report.repeated += 1
            if len(report.repeated_lines) < SHOWN_LINES:
                report.repeated_lines.append({"line": number, "first": first_seen[value]})
            continue
        first_seen[value] = number
        ids.append(value)
    report.accepted = len(ids)
    return ids, report


def visible_lists(user: User) -> list[AudienceList]:
    """Lists the user sees: their subtree's (to manage) and their ancestors' (to use)."""
    from builder.rights import visible_branches

    return list(
        db.session.scalars(
            select(AudienceList)
            .where(AudienceList.branch_id.in_(visible_branches(user.branch_id)))
            .order_by(AudienceList.name)
        )
    )


def latest_versions(list_ids: list[int]) -> dict[int, AudienceListVersion]:
    if not list_ids:
        return {}
    latest = (
        select(AudienceListVersion.list_id, func.max(AudienceListVersion.number).label("number"))
        .where(AudienceListVersion.list_id.in_(list_ids))
        .group_by(AudienceListVersion.list_id)
        .subquery()
    )
    rows = db.session.scalars(
        select(AudienceListVersion).join(
            latest,
            (AudienceListVersion.list_id == latest.c.list_id)
            & (AudienceListVersion.number == latest.c.number),
        )
    )
    return {v.list_id: v for v in rows}


def usable_lists(branch_id: int, kind: str) -> list[tuple[str, AudienceListVersion]]:
    """(name, latest version) of the lists of `kind` a campaign of `branch_id` may name."""
    from runtime.references import usable_branches

    lists = db.session.scalars(
        select(AudienceList)
        .where(AudienceList.kind == kind, AudienceList.branch_id.in_(usable_branches(branch_id)))
        .order_by(AudienceList.name)
    ).all()
    latest = latest_versions([lst.id for lst in lists])
    return [(lst.name, latest[lst.id]) for lst in lists if lst.id in latest]


def create_list(
    user: User,
    name: str,
    kind: str,
    channel_id: int | None,
    branch_id: int | None,
    description: str | None = None,
) -> AudienceList:
    """A new, empty list owned by a branch of the user's subtree (caller commits)."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ListError("name", N_("Give the list a name of at most 100 characters."))
    if db.session.scalar(select(AudienceList.id).where(AudienceList.name == name)):
        raise ListError("name", N_("A list with this name exists already; names are bank-wide."))
    if kind not in AUDIENCE_LIST_KINDS:
        raise ListError("kind", N_("Choose from the list."))
    if channel_id is None or db.session.get(Channel, channel_id) is None:
        raise ListError("channel", N_("Choose the channel whose customer ids the file holds."))
    if branch_id not in user_scope(user):
        raise ListError("branch", N_("Choose your own branch or a branch below it."))
    created = AudienceList(
        name=name,
        kind=kind,
        channel_id=channel_id,
        branch_id=branch_id,
        description=(description or "").strip() or None,
        created_by_id=user.id,
    )
    db.session.add(created)
    db.session.flush()
    audit.record(
        "audience_list.create",
        "audience_list",
        created.id,
        actor=user,
        after={"name": name, "kind": kind, "channel_id": channel_id, "branch_id": branch_id},
        branch_id=branch_id,
    )
    return created


def add_version(
    user: User, target: AudienceList, text: str, file_name: str | None
) -> tuple[AudienceListVersion, dict[str, Any]]:
    """Store the file's ids as the list's next version (caller commits), or raise ListError
    with the report when a line is refused or no id remains."""
    if target.branch_id not in user_scope(user):
        raise ListError("list", N_("This list belongs to a branch above yours."))
    ids, report = parse_members(text)
    if report.refused_count:
        raise ListError("file", N_("Some lines were refused; nothing was saved."), report.to_dict())
    if not ids:
        raise ListError("file", N_("The file has no customer ids."), report.to_dict())
    if len(ids) > MAX_MEMBERS:
        raise ListError("file", N_("At most 1,000,000 ids per list."), report.to_dict())
    number = (
        db.session.scalar(
            select(func.max(AudienceListVersion.number)).where(
                AudienceListVersion.list_id == target.id
            )
        )
        or 0
    ) + 1
    version = AudienceListVersion(
        list_id=target.id,
        number=number,
        size=len(ids),
        file_name=(file_name or "")[:255] or None,
        report=report.to_dict(),
        created_by_id=user.id,
    )
    db.session.add(version)
    db.session.flush()
    for start in range(0, len(ids), INSERT_CHUNK):
        db.session.execute(
            insert(AudienceMember),
            [
                {"version_id": version.id, "participant": p}
                for p in ids[start : start + INSERT_CHUNK]
            ],
        )
    audit.record(
        "audience_list.upload",
        "audience_list",
        target.id,
        actor=user,
        after={
            "name": target.name,
            "version": number,
            "size": len(ids),
            "file": version.file_name,
            "repeated": report.repeated,
        },
        branch_id=target.branch_id,
    )
    logger.info("audience list %s: version %s with %s ids", target.name, number, len(ids))
    return version, report.to_dict()


def campaigns_using(name: str, branch_ids: set[int]) -> list[dict[str, Any]]:
    """Campaigns of these branches whose draft or live version names the list, with the
    version each pins."""
    from core.models import Campaign
    from runtime.references import list_refs

    found = []
    campaigns = db.session.scalars(
        select(Campaign).where(Campaign.branch_id.in_(branch_ids)).order_by(Campaign.slug)
    )
    for campaign in campaigns:
        live = campaign.published_version.snapshot if campaign.published_version else None
        for label, bundle in (("draft", campaign.draft), ("live", live)):
            for _field, ref in list_refs(bundle or {}):
                if ref["name"] == name:
                    found.append(
                        {"campaign": campaign, "where": label, "version": ref.get("version")}
                    )
    return found
