"""What a reviewer needs to know about a campaign: its approval chain level by level, whether
the signed-in user may decide now (and if not, why), the review state in words, and its
versions. Shared by the campaign page, the review and version pages, the list and the homes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from builder.approvals import approval_record, current_decisions, refusal
from builder.i18n import N_, translate
from builder.review_chain import chain_for
from core.extensions import db
from core.models import Campaign, CampaignVersion, User

# The review state a list filters on: the draft's review, with a live campaign's pending
# change told apart (it keeps serving its version while the change is reviewed).
REVIEW_STATES = {
    "editing": N_("Editing"),
    "submitted": N_("Waiting for approval"),
    "approved": N_("Approved, waiting for publication"),
    "rejected": N_("Sent back"),
    "published": N_("Published"),
    "live_change": N_("Live, with a change under review"),
}


@dataclass(frozen=True)
class LevelState:
    number: int
    branch_name: str
    decision: dict[str, Any] | None  # approval_record of the decision, if any
    waiting: bool  # the level the draft waits for now
    unsubmitted: bool = False  # the next level of a draft not (or no longer) submitted

    @property
    def state(self) -> str:
        """decided, waiting, unsubmitted (waits for the draft's submission) or later (for
        the level above)."""
        if self.decision:
            return "decided"
        return "waiting" if self.waiting else "unsubmitted" if self.unsubmitted else "later"


def chain_state(campaign: Campaign) -> list[LevelState]:
    decisions = {d.level: approval_record(d) for d in current_decisions(campaign)}
    submitted = campaign.review_status == "submitted"
    first_open = True
    states = []
    for level in chain_for(campaign):
        decision = decisions.get(level.number)
        opens = first_open and decision is None
        states.append(
            LevelState(
                level.number,
                level.branch_name,
                decision,
                waiting=opens and submitted,
                unsubmitted=opens and not submitted,
            )
        )
        if decision is None:
            first_open = False
    return states


def may_decide(user: User, campaign: Campaign) -> tuple[bool, str]:
    """(True, "") when `user` may decide the level the draft waits for, else (False, why)."""
    refused = refusal(user, campaign)
    if refused is None:
        return True, ""
    return False, translate(refused.message).format(**refused.params)


def review_state(campaign: Campaign) -> str:
    """One of REVIEW_STATES."""
    pending = campaign.review_status in ("submitted", "approved")
    if pending and campaign.status in ("live", "paused"):
        return "live_change"
    return campaign.review_status


def review_text(campaign: Campaign) -> str:
    """The review state in words, with the level waited for: "Waiting for approval (level 2 of
    3: Shanghai Branch)"."""
    state = review_state(campaign)
    text = translate(REVIEW_STATES.get(state, N_("Editing")))
    if campaign.review_status == "submitted":
        levels = chain_state(campaign)
        waiting = next((s for s in levels if s.waiting), None)
        if waiting is not None:
            text += " " + translate("(level {level} of {levels}: {branch})").format(
                level=waiting.number, levels=len(levels), branch=waiting.branch_name
            )
    if campaign.rollback_of:
        text += " · " + translate("rollback to version {n}").format(n=campaign.rollback_of)
    return text


def versions_of(campaign: Campaign) -> list[CampaignVersion]:
    return list(
        db.session.scalars(
            select(CampaignVersion)
            .where(CampaignVersion.campaign_id == campaign.id)
            .order_by(CampaignVersion.number.desc())
        )
    )


def same_content(version: CampaignVersion, versions: list[CampaignVersion]) -> int | None:
    """The number of the earliest other version with the same content (a rollback's origin)."""
    earlier = [
        v.number
        for v in versions
        if v.content_hash == version.content_hash and v.number < version.number
    ]
    return min(earlier) if earlier else None
