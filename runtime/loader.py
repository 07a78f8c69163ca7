"""Loading the published campaign a request needs, from in-process caches.

Compiled versions are cached by version id (a version never changes). Which version a slug
serves, and its status, is looked up again after VERSION_CACHE_SECONDS (<= 5 s), so a
publication, pause or end reaches every web worker within that time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from flask import current_app
from sqlalchemy import select

from core.errors import ApiProblem
from core.extensions import db
from core.models import Campaign, CampaignVersion
from runtime.group_commit import GroupCommit
from runtime.reads import reading

MAX_VERSIONS = 256


@dataclass
class LiveVersion:
    """A compiled published version and the lookups the hot path needs."""

    campaign_id: int
    slug: str
    version_id: int  # the row id (evidence, replay); participants and staff see the number
    version_number: int  # the campaign's version sequence number: 1, 2, ...
    bundle: dict[str, Any]
    compiled: Any
    prizes: dict[str, dict[str, Any]]
    fallback: str | None
    kinds: dict[str, dict[str, Any]]
    default_kind: str | None
    tz: tzinfo
    uses: set[str] = field(default_factory=set)
    memo: dict[str, Any] = field(default_factory=dict)  # derived once per version and process

    def local_day(self, now: datetime) -> str:
        return now.astimezone(self.tz).date().isoformat()


@dataclass
class CampaignRef:
    campaign_id: int
    status: str
    version_id: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    expires: float


@dataclass
class RuntimeCache:
    versions: dict[int, LiveVersion] = field(default_factory=dict)
    slugs: dict[str, CampaignRef] = field(default_factory=dict)
    channels: dict[str, Any] = field(default_factory=dict)
    participants: dict[tuple[int, str], int] = field(default_factory=dict)
    members: dict[tuple[int, int], Any] = field(default_factory=dict)
    tokens: dict[str, tuple[Any, Any, float]] = field(default_factory=dict)
    group_commit: GroupCommit = field(default_factory=GroupCommit)


def cache() -> RuntimeCache:
    return current_app.extensions["runtime_cache"]


def compile_version(version: CampaignVersion, slug: str) -> LiveVersion:
    from rules import compile_bundle
    from rules.windows import zone

    bundle = version.snapshot
    compiled = compile_bundle(bundle)
    kinds = {k["key"]: k for k in bundle["chances"]["kinds"]}
    default_kind = bundle["chances"]["default_kind"] or next(iter(kinds), None)
    text = repr(bundle["rules"]) + repr(bundle["audience"])
    uses = {name for name in ("points_balance", "badges") if name in text}
    return LiveVersion(
        campaign_id=version.campaign_id,
        slug=slug,
        version_id=version.id,
        version_number=version.number,
        bundle=bundle,
        compiled=compiled,
        prizes={p["key"]: p for p in bundle["prizes"]},
        fallback=next((p["key"] for p in bundle["prizes"] if p["fallback"]), None),
        kinds=kinds,
        default_kind=default_kind,
        tz=zone(bundle["schedule"]["timezone"]),
        uses=uses,
    )


def campaign_ref(slug: str) -> CampaignRef:
    store = cache()
    ref = store.slugs.get(slug)
    now = time.monotonic()
    if ref is not None and ref.expires > now:
        return ref
    with reading():
        row = db.session.execute(
            select(
                Campaign.id,
                Campaign.status,
                Campaign.published_version_id,
                Campaign.starts_at,
                Campaign.ends_at,
            ).where(Campaign.slug == slug)
        ).first()
    if row is None or row.published_version_id is None:
        raise ApiProblem(404, "not_found", f"No published campaign {slug!r}.")
    ttl = current_app.config.get("VERSION_CACHE_SECONDS", 2)
    ref = CampaignRef(
        row.id, row.status, row.published_version_id, row.starts_at, row.ends_at, now + ttl
    )
    store.slugs[slug] = ref
    return ref


def version(version_id: int, slug: str) -> LiveVersion:
    store = cache()
    live = store.versions.get(version_id)
    if live is None:
        with reading():
            row = db.session.get(CampaignVersion, version_id)
            if row is None:
                raise ApiProblem(404, "not_found", "That campaign version does not exist.")
            live = compile_version(row, slug)
        if len(store.versions) >= MAX_VERSIONS:
            store.versions.pop(next(iter(store.versions)))
        store.versions[version_id] = live
    return live


def load(slug: str) -> tuple[CampaignRef, LiveVersion]:
    ref = campaign_ref(slug)
    return ref, version(ref.version_id, slug)


def require_live(ref: CampaignRef, now: datetime) -> None:
    """Participant writes need a live campaign inside its schedule."""
    if ref.status != "live":
        raise ApiProblem(409, "campaign_not_live", f"This campaign is {ref.status}.")
    if ref.starts_at and now < ref.starts_at:
        raise ApiProblem(409, "campaign_not_live", "This campaign has not started yet.")
    if ref.ends_at and now >= ref.ends_at:
        raise ApiProblem(409, "campaign_not_live", "This campaign has ended.")


def forget(slug: str | None = None) -> None:
    """Drop cached slug lookups (tests and the CLI call this after a change)."""
    store = cache()
    if slug is None:
        store.slugs.clear()
    else:
        store.slugs.pop(slug, None)


def utcnow_day(live: LiveVersion, days_ago: int = 0) -> str:
    from datetime import timedelta

    from core.models import utcnow

    return live.local_day(utcnow() - timedelta(days=days_ago))
