"""Publishing the demo campaigns (filled in once the rule templates and publishing exist)."""

from __future__ import annotations


def publish_demo_campaigns() -> int:
    return 0
