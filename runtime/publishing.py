"""Campaign lifecycle: create, edit the draft, publish an immutable version, pause, resume,
end and roll back. Each function is one unit of work: it validates everything first, writes
the change with its audit row in one commit, then updates Redis (stock) after the commit.

Publishing does not check approvals: the studio enforces the approval chain before calling
`publish_campaign` and passes the approvals to freeze into the version. A rollback only puts an
earlier snapshot in the draft; it goes live through the same chain as any other change. Every
content change is audited field by field (rules.diff), not as two hashes.
"""

from __future__ import annotations

import logging
from datetime import UTC
from typing import Any

from sqlalchemy import func, select

from core import audit
from core.errors import ApiProblem
from core.extensions import db
from core.models import Approval, Branch, Campaign, CampaignVersion, Prize, User
from runtime import flights, hotstate, issuer_limits
from runtime.references import pin_list_versions, reference_problems

logger = logging.getLogger(__name__)


class CampaignError(ApiProblem):
    """A bundle or lifecycle change was refused; `errors` lists every problem with its path."""

    def __init__(
        self, errors: list[dict[str, str]], status: int = 422, code: str = "validation_error"
    ):
        first = errors[0] if errors else {"path": "", "message": "invalid"}
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        detail = f"{first['path'] or '(bundle)'}: {first['message']}{more}"
        super().__init__(status, code, detail, errors=errors)
        self.errors = errors


def _load(bundle: Any) -> dict[str, Any]:
    """The validated bundle: rules check the campaign, the widget checks its own settings and
    that the rules and limits its settings generate are the ones in the bundle."""
    from rules import BundleError, load_bundle

    try:
        data = load_bundle(bundle)
    except BundleError as exc:
        problems = [{"path": p.path, "message": p.message, "code": p.code} for p in exc.problems]
        if isinstance(bundle, dict):
            problems += widget_problems(bundle)
        raise CampaignError(problems) from None
    pin_list_versions(data)
    problems = widget_problems(data) + reference_problems(data)
    if problems:
        raise CampaignError(problems)
    return data


def bundle_problems(bundle: Any) -> list[dict[str, Any]]:
    """Every problem `_load` would refuse `bundle` for, without raising (`studio campaign
    validate` lists them)."""
    from rules import validate_bundle

    problems = [
        {"path": p.path, "message": p.message, "code": p.code, "message_zh": p.message_zh}
        for p in validate_bundle(bundle)
    ]
    if isinstance(bundle, dict):
        problems += widget_problems(bundle) + reference_problems(bundle)
    return problems


def widget_problems(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """The widget's settings are valid, then its managed rules and limits match them."""
    import widgets

    problems = [
        {**p, "code": "widget.config"} for p in widgets.validate_widget(bundle.get("widget"))
    ]
    return problems or widgets.managed_problems(bundle)


def _branch(code: str) -> Branch:
    branch = db.session.scalar(select(Branch).where(Branch.code == code))
    if branch is None:
        raise CampaignError([{"path": "branch", "message": f"No branch with code {code!r}."}])
    return branch


def _bounds(bundle: dict[str, Any]):
    from rules.windows import campaign_bounds

    start, end = campaign_bounds(bundle["schedule"])
    return start.astimezone(UTC), end.astimezone(UTC)


def _summary(campaign: Campaign) -> dict[str, Any]:
    return {
        "slug": campaign.slug,
        "branch": campaign.branch.code,
        "status": campaign.status,
        "draft_hash": campaign.draft_hash,
        "published_version_id": campaign.published_version_id,
    }


def _actor(user: User | None) -> dict[str, Any]:
    return {"actor": user}


def create_campaign(bundle: dict[str, Any], user: User | None = None) -> Campaign:
    """Validate `bundle` and store it as a new draft campaign (status draft)."""
    campaign = _stage_campaign(bundle, user)
    db.session.commit()
    return campaign


def import_campaign(
    bundle: dict[str, Any], publish: bool = False, user: User | None = None, note: str | None = None
) -> tuple[Campaign, CampaignVersion | None]:
    """Create the draft and, with `publish`, version 1, in ONE transaction: an import whose
    publication is refused or fails leaves no draft behind (all or nothing)."""
    try:
        campaign = _stage_campaign(bundle, user)
        if not publish:
            db.session.commit()
            return campaign, None
        return campaign, publish_campaign(campaign, user, note)
    except Exception:
        db.session.rollback()
        raise


def _stage_campaign(bundle: dict[str, Any], user: User | None) -> Campaign:
    """The new draft campaign and its audit row, added to the session (not committed)."""
    from rules import content_hash

    data = _load(bundle)
    if db.session.scalar(select(Campaign.id).where(Campaign.slug == data["slug"])):
        raise CampaignError(
            [{"path": "slug", "message": f"A campaign with slug {data['slug']!r} already exists."}],
            status=409,
            code="conflict",
        )
    branch = _branch(data["branch"])
    starts_at, ends_at = _bounds(data)
    campaign = Campaign(
        slug=data["slug"],
        name=data["name"],
        branch_id=branch.id,
        widget_type=data["widget"]["type"],
        status="draft",
        draft=data,
        draft_hash=content_hash(data),
        starts_at=starts_at,
        ends_at=ends_at,
        created_by_id=user.id if user else None,
    )
    db.session.add(campaign)
    db.session.flush()
    audit.record(
        "campaign.create", "campaign", campaign.id, after=_summary(campaign), **_actor(user)
    )
    return campaign


def update_draft(campaign: Campaign, bundle: dict[str, Any], user: User | None = None) -> Campaign:
    """Replace the draft; an edit after submission sends the campaign back to draft. The audit
    row lists every changed field with its old and new value (rules.diff)."""
    data = _load(bundle)
    if data["slug"] != campaign.slug:
        raise CampaignError([{"path": "slug", "message": "The slug of a campaign cannot change."}])
    _replace_draft(campaign, data, "campaign.update_draft", user)
    db.session.commit()
    return campaign


def _replace_draft(
    campaign: Campaign,
    data: dict[str, Any],
    action: str,
    user: User | None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Put the validated bundle `data` in the draft, with an audit row of the changed fields."""
    from rules import content_hash

    branch = _branch(data["branch"])
    old, old_hash = campaign.draft, campaign.draft_hash
    campaign.draft = data
    campaign.draft_hash = content_hash(data)
    campaign.name = data["name"]
    campaign.branch = branch
    campaign.widget_type = data["widget"]["type"]
    if campaign.draft_hash != old_hash:
        campaign.rollback_of = None  # an edit makes a pending rollback an ordinary change
    if campaign.status in ("pending_approval", "approved"):
        campaign.status = "draft"
    before, after = draft_change_record(old, data)
    audit.record(
        action,
        "campaign",
        campaign.id,
        before={"draft_hash": old_hash, **before},
        after={"draft_hash": campaign.draft_hash, **after, **(extra or {})},
        **_actor(user),
    )


def draft_change_record(
    old: dict[str, Any] | None, new: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The audit log's before and after of a content change: the changed fields (path ->
    value) and each side's glossary, so the log reads them with the campaign's own names."""
    from rules.diff import changed_fields, diff_bundles, glossary

    before, after = changed_fields(diff_bundles(old, new))
    return (
        {"fields": before, "glossary": glossary(old)},
        {"fields": after, "glossary": glossary(new)},
    )


def _approvals_for(campaign: Campaign) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Approval)
        .where(Approval.campaign_id == campaign.id, Approval.draft_hash == campaign.draft_hash)
        .order_by(Approval.level)
    )
    return [
        {
            "level": a.level,
            "decision": a.decision,
            "decided_by_id": a.decided_by_id,
            "decided_at": a.decided_at.isoformat(),
            "reason": a.reason,
        }
        for a in rows
    ]


def _sync_prizes(campaign: Campaign, bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """Upsert Prize rows from the bundle; returns the Redis stock updates to apply after commit."""
    existing = {
        p.key: p for p in db.session.scalars(select(Prize).where(Prize.campaign_id == campaign.id))
    }
    problems, updates = [], []
    for index, spec in enumerate(bundle["prizes"]):
        row = existing.get(spec["key"])
        total = spec["stock"]
        if row is None:
            row = Prize(campaign_id=campaign.id, key=spec["key"], issued=0)
            db.session.add(row)
            old_total = None
        else:
            old_total = row.stock_total
        if total is not None and total < (row.issued or 0):
            problems.append(
                {
                    "path": f"prizes[{index}].stock",
                    "message": f"Stock {total} is below the {row.issued} already won.",
                }
            )
            continue
        row.name = spec["name"]
        row.reward_kind = spec["reward"]["kind"]
        row.stock_total = total
        left = None if total is None else total - (row.issued or 0)
        delta = 0 if total is None or old_total is None else total - old_total
        updates.append({"key": spec["key"], "left": left, "delta": delta})
    if problems:
        raise CampaignError(problems)
    return updates


def publish_campaign(
    campaign: Campaign,
    user: User | None = None,
    note: str | None = None,
    approvals: list[dict[str, Any]] | None = None,
) -> CampaignVersion:
    """Freeze the draft as the next immutable version and make it live."""
    from rules import content_hash

    bundle = _load(campaign.draft)
    number = (
        db.session.scalar(
            select(func.max(CampaignVersion.number)).where(
                CampaignVersion.campaign_id == campaign.id
            )
        )
        or 0
    ) + 1
    before = _summary(campaign)
    previous = campaign.published_version.snapshot if campaign.published_version else None
    updates = _sync_prizes(campaign, bundle)
    _sync_mall(campaign, bundle)
    budget_delta = _sync_budget(campaign, bundle)
    version = CampaignVersion(
        campaign_id=campaign.id,
        number=number,
        snapshot=bundle,
        content_hash=content_hash(bundle),
        note=note,
        published_by_id=user.id if user else None,
        approvals=approvals if approvals is not None else _approvals_for(campaign),
    )
    db.session.add(version)
    db.session.flush()
    campaign.published_version_id = version.id
    campaign.status = "live"
    campaign.rollback_of = None
    campaign.starts_at, campaign.ends_at = _bounds(bundle)
    changed_before, changed_after = (
        draft_change_record(previous, bundle) if previous is not None else ({}, {})
    )
    audit.record(
        "campaign.publish",
        "campaign",
        campaign.id,
        before={**before, **changed_before},
        after={
            **_summary(campaign),
            "version": number,
            "content_hash": version.content_hash,
            **changed_after,
        },
        **_actor(user),
    )
    campaign_id, slug = campaign.id, campaign.slug
    # the new stock and issuer limits reach Redis as one write that reconcile waits for
    with flights.flight(campaign_id, best_effort=True):
        db.session.commit()
        try:
            hotstate.prime_stock(campaign_id, updates)
            issuer_limits.prime(db.session, campaign_id, bundle, budget_delta)
        except Exception:  # Redis down: the ledger is committed; `studio reconcile` repairs
            logger.exception("publish %s: stock priming failed; run `studio reconcile`", slug)
    return version


def _sync_mall(campaign: Campaign, bundle: dict[str, Any]) -> None:
    """The points mall's stock rows follow the version (runtime.loyalty.stock)."""
    from runtime.loyalty.stock import sync_stock

    problems = sync_stock(db.session, campaign.id, bundle)
    if problems:
        raise CampaignError(problems)


def _sync_budget(campaign: Campaign, bundle: dict[str, Any]) -> int:
    """The red packet budget follows limits.budget (runtime.issuer_limits)."""
    try:
        return issuer_limits.sync_budget(db.session, campaign.id, bundle)
    except ValueError as exc:
        raise CampaignError([{"path": "limits.budget.amount", "message": str(exc)}]) from None


def rollback_campaign(
    campaign: Campaign, version_number: int, user: User | None = None
) -> Campaign:
    """Put the snapshot of an earlier version in the draft (a change like any other: the studio
    submits it to the approval chain, and publishing it makes a new version; history is kept).
    The live version keeps serving meanwhile."""
    old = db.session.scalar(
        select(CampaignVersion).where(
            CampaignVersion.campaign_id == campaign.id, CampaignVersion.number == version_number
        )
    )
    if old is None:
        raise CampaignError(
            [{"path": "version", "message": f"No version {version_number} of {campaign.slug}."}],
            status=404,
            code="not_found",
        )
    data = _load(dict(old.snapshot))
    _replace_draft(campaign, data, "campaign.rollback", user, {"version": version_number})
    campaign.rollback_of = version_number
    db.session.commit()
    return campaign
