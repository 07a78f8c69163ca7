"""Content hash of a bundle: sha256 of its canonical JSON."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(bundle: Any) -> str:
    return json.dumps(bundle, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(bundle: dict[str, Any]) -> str:
    """sha256 hex digest of the bundle's canonical JSON (sort_keys, compact, UTF-8)."""
    return hashlib.sha256(canonical_json(bundle).encode("utf-8")).hexdigest()
