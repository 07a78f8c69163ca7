"""Reading and writing campaign bundle files for import, export and validation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.extensions import db
from core.models import Campaign, CampaignVersion
from rules.json_text import JSONTextError, loads
from rules.limits import MAX_BUNDLE_BYTES


class BundleFileError(ValueError):
    """The file cannot be read as a bundle; the message names the file and the problem."""


def parse_bundle_text(text: str) -> Any:
    """Bundle JSON text -> data; raises JSONTextError (NaN/Infinity, duplicate keys, too deep,
    too large, or not JSON)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BUNDLE_BYTES:
        raise JSONTextError(f"Larger than {MAX_BUNDLE_BYTES // 1024} KiB.")
    return loads(text)


def read_bundle(path: str) -> dict[str, Any]:
    file = Path(path)
    if not file.is_file():
        raise BundleFileError(f"{path}: no such file")
    if file.stat().st_size > MAX_BUNDLE_BYTES:
        raise BundleFileError(f"{path}: larger than {MAX_BUNDLE_BYTES // 1024} KiB")
    try:
        data = parse_bundle_text(file.read_text("utf-8"))
    except UnicodeDecodeError:
        raise BundleFileError(f"{path}: not UTF-8 text") from None
    except JSONTextError as exc:
        raise BundleFileError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise BundleFileError(f"{path}: a bundle is a JSON object, got {type(data).__name__}")
    return data


def find_campaign(slug: str) -> Campaign | None:
    return db.session.scalar(select(Campaign).where(Campaign.slug == slug))


def export_bundle(campaign: Campaign, draft: bool = False) -> dict[str, Any]:
    """The published snapshot (or the draft when asked, or when nothing is published)."""
    if not draft and campaign.published_version_id is not None:
        version = db.session.get(CampaignVersion, campaign.published_version_id)
        return version.snapshot
    return campaign.draft


def dump_bundle(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def pool_sizes(bundle: dict) -> dict[str, int]:
    """Codes left in each coupon pool the bundle's prizes draw on (for the simulation)."""
    from runtime.issuance.coupons import pool_stats

    sizes = {}
    for prize in bundle.get("prizes") or []:
        reward = prize.get("reward") or {}
        if reward.get("kind") == "coupon_code" and reward.get("pool"):
            stats = pool_stats(db.session, reward["pool"])
            sizes[reward["pool"]] = stats["left"] if stats else 0
    return sizes
