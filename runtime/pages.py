"""Participant H5 pages: GET /c/<slug> renders the published version's widget page.

The page carries only public data (names, widget config, prize names, rule text); everything
that matters (chances, odds, stock) is decided by /api/v1, which the page calls with the
participant token the bank's app passes in the URL fragment.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, request, send_from_directory, url_for
from sqlalchemy import select

import widgets
from core.extensions import db
from core.models import Campaign, CampaignVersion
from widgets import i18n
from widgets.render import STATIC_DIR, render_template

logger = logging.getLogger(__name__)
bp = Blueprint("pages", __name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; "
    "frame-ancestors 'self'"  # the studio's preview frames this page; other sites may not
)
ASSET_MAX_AGE = 365 * 24 * 3600


def page_state(
    status: str, starts_at: datetime | None, ends_at: datetime | None, now: datetime
) -> str:
    """live, not_started, paused or ended: what a participant opening the page should see."""
    if status == "ended" or (ends_at is not None and now >= ends_at):
        return "ended"
    if status == "paused":
        return "paused"
    if status != "live" or (starts_at is not None and now < starts_at):
        return "not_started"
    return "live"


def _language(config: dict[str, Any]) -> str:
    return i18n.pick_language(
        config.get("language", "auto"), [tag for tag, _ in request.accept_languages]
    )


def _html(body: str, status: int = 200) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _not_found() -> Response:
    lang = i18n.pick_language("auto", [tag for tag, _ in request.accept_languages])
    body = render_template(
        "not_found.html",
        t=i18n.texts(lang),
        lang=lang,
        static_base=url_for("pages.static_file", filename="").rstrip("/"),
    )
    return _html(body, 404)


@bp.get("/c/<slug>")
def campaign_page(slug: str) -> Response:
    row = db.session.execute(
        select(Campaign, CampaignVersion)
        .join(CampaignVersion, CampaignVersion.id == Campaign.published_version_id)
        .where(Campaign.slug == slug)
    ).first()
    if row is None:
        return _not_found()
    campaign, version = row
    bundle = version.snapshot
    widget_type = (bundle.get("widget") or {}).get("type")
    try:
        widget = next(
            w
            for w in widgets.enabled(current_app.config.get("STUDIO_WIDGETS"))
            if w.type == widget_type
        )
    except StopIteration:
        logger.warning("campaign %s uses widget %r, which is not enabled", slug, widget_type)
        return _not_found()
    config = (bundle.get("widget") or {}).get("config") or {}
    lang = _language(config)
    static_base = url_for("pages.static_file", filename="").rstrip("/")
    state = page_state(campaign.status, campaign.starts_at, campaign.ends_at, datetime.now(UTC))
    if state != "live":
        data = widget.page_data(bundle)
        body = render_template(
            "not_live.html",
            page=data,
            state=state,
            lang=lang,
            t=i18n.texts(lang),
            static_base=static_base,
        )
        return _html(body)
    response = _html(widget.render_page(bundle, lang=lang, static_base=static_base))
    if current_app.config.get("STUDIO_TRAFFIC_CAPTURE", True):
        _count_view(campaign.id, bundle, response)
    return response


def _count_view(campaign_id: int, bundle: dict[str, Any], response: Response) -> None:
    """Views, visitors and invitation clicks (runtime.rollups.traffic); a Redis failure
    never costs the participant the page."""
    from redis.exceptions import RedisError

    from runtime.hotstate import client
    from runtime.rollups import traffic
    from runtime.rollups.buckets import zone_named

    visitor, new = traffic.visitor_id(request.cookies.get(traffic.VISITOR_COOKIE))
    zone = zone_named((bundle.get("schedule") or {}).get("timezone") or "UTC")
    try:
        traffic.count_view(
            client(), campaign_id, visitor, request.args.get("ref"), datetime.now(UTC), zone
        )
    except RedisError:
        logger.warning("page view of campaign %s not counted: Redis unavailable", campaign_id)
    if new:
        response.set_cookie(
            traffic.VISITOR_COOKIE,
            visitor,
            max_age=365 * 24 * 3600,
            path="/c/",
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )


@bp.get("/w/static/<path:filename>")
def static_file(filename: str) -> Response:
    """Widget assets; URLs carry a content hash (?v=) so they may be cached for a year."""
    max_age = ASSET_MAX_AGE if request.args.get("v") else 300
    return send_from_directory(STATIC_DIR, filename, max_age=max_age)
