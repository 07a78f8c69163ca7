"""A live campaign's status changes: pause, resume and end (each immediate and audited; a
pause is the studio's emergency stop and needs no approval)."""

from __future__ import annotations

from core import audit
from core.extensions import db
from core.models import Campaign, User
from runtime.publishing import CampaignError, _actor, _summary


def _set_status(
    campaign: Campaign, status: str, allowed: tuple[str, ...], action: str, user: User | None
) -> Campaign:
    if campaign.status not in allowed:
        raise CampaignError(
            [
                {
                    "path": "status",
                    "message": f"Cannot {action} a campaign that is {campaign.status}.",
                }
            ],
            status=409,
            code="conflict",
        )
    before = _summary(campaign)
    campaign.status = status
    audit.record(
        f"campaign.{action}",
        "campaign",
        campaign.id,
        before=before,
        after=_summary(campaign),
        **_actor(user),
    )
    db.session.commit()
    return campaign


def pause_campaign(campaign: Campaign, user: User | None = None) -> Campaign:
    return _set_status(campaign, "paused", ("live",), "pause", user)


def resume_campaign(campaign: Campaign, user: User | None = None) -> Campaign:
    return _set_status(campaign, "live", ("paused",), "resume", user)


def end_campaign(campaign: Campaign, user: User | None = None) -> Campaign:
    return _set_status(campaign, "ended", ("live", "paused"), "end", user)
