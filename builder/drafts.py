"""Creating and editing campaign drafts from the studio."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from sqlalchemy import select

from builder.approvals import ReviewError, check_allowed
from builder.auth import branch_scope
from builder.i18n import N_
from core.extensions import db
from core.models import Branch, Campaign, User

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")


def template_choices() -> list[tuple[str, str]]:
    """(key, label) of every starting point: the seed templates and each widget's default,
    each labelled in Chinese and English as the widgets are."""
    import widgets
    from rules.templates import list_templates, load_template

    choices = []
    for name in list_templates():
        bundle = load_template(name)
        label = " / ".join(filter(None, (bundle["name"], bundle.get("name_en"))))
        choices.append((f"template:{name}", label))
    for widget in widgets.enabled(current_app.config.get("STUDIO_WIDGETS")):
        choices.append((f"widget:{widget.type}", f"{widget.name_zh} / {widget.name_en}"))
    return choices


def starting_bundle(choice: str, slug: str, name: str, branch_code: str) -> dict[str, Any]:
    """A new draft's bundle: a template (its dates moved to start today and run as long as
    the seed campaign did) or a widget's defaults (from today)."""
    import widgets
    from rules.templates import around_today, load_template

    kind, _, key = choice.partition(":")
    if kind == "template":
        bundle = around_today(load_template(key), days_before=0, days_after=None)
        bundle.update(slug=slug, name=name, branch=branch_code)
        return bundle
    if kind == "widget":
        return widgets.get(key).default_bundle(slug, name, branch_code)
    raise ReviewError("template", N_("Choose a template or a widget to start from."))


def new_draft(user: User, choice: str, slug: str, name: str) -> Campaign:
    from runtime.publishing import create_campaign

    slug, name = slug.strip(), name.strip()
    if not SLUG.match(slug):
        raise ReviewError(
            "slug", N_("3-64 lowercase letters, digits or '-', starting with a letter or digit.")
        )
    if not name:
        raise ReviewError("name", N_("Give the campaign a name."))
    if db.session.scalar(select(Campaign.id).where(Campaign.slug == slug)) is not None:
        taken = N_("A campaign already uses '{slug}'; choose another.")
        raise ReviewError("slug", taken, slug=slug)
    try:
        bundle = starting_bundle(choice, slug, name, user.branch.code)
    except KeyError:
        raise ReviewError("template", N_("Unknown template.")) from None
    return create_campaign(bundle, user)


def check_branch_move(campaign: Campaign, bundle: Any, user: User) -> None:
    """A draft may move its campaign to another branch only inside the editor's subtree (the
    owning branch decides who sees, approves and audits the campaign)."""
    code = bundle.get("branch") if isinstance(bundle, dict) else None
    if not isinstance(code, str) or code == campaign.branch.code:
        return  # unchanged, or malformed: the bundle's own validation names the problem
    target = db.session.scalar(select(Branch.id).where(Branch.code == code))
    if target is None or target not in branch_scope(user):
        raise ReviewError("branch", N_("Choose your own branch or a branch below it."))


def save_draft(campaign: Campaign, bundle: dict[str, Any], user: User) -> Campaign:
    """Replace the draft; a changed draft needs a new submission and new approvals."""
    from runtime.publishing import update_draft

    check_allowed(user, campaign, "edit_campaign")
    check_branch_move(campaign, bundle, user)
    before = campaign.draft_hash
    update_draft(campaign, bundle, user)
    if campaign.draft_hash != before:
        campaign.review_status = "editing"
        db.session.commit()
    return campaign
