"""The lead form a page offers (templates/_lead_form.html, static/common/lead.js): its title,
whether it asks for the city, what the consent box agrees to, and the points a lead earns.

The consent box must be ticked, so its label says what the participant agrees to ("我已阅读并
同意" + the clause), never that submitting agrees."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Wording of older consent texts that says submitting agrees: the clause is what follows it.
_SUBMIT_AGREES = re.compile(r"^\s*(?:提交(?:即|即表示|即视为|表示)?同意|我已阅读并同意|我同意)\s*")


def consent_clause(text: str | None) -> str:
    """What the box agrees to: the consent text without a leading 'submitting agrees'."""
    return _SUBMIT_AGREES.sub("", text or "", count=1).strip()


def lead_points(bundle: Mapping[str, Any]) -> int:
    """Points every lead earns: the `award_points` of the rules on trigger `lead` that have no
    conditions (a conditional award is the rules text's to explain)."""
    total = 0
    for rule in bundle.get("rules") or []:
        if rule.get("trigger") != "lead" or rule.get("conditions"):
            continue
        for action in rule.get("actions") or []:
            if action.get("name") == "award_points":
                total += int((action.get("params") or {}).get("amount") or 0)
    return total


def pays_for_leads(bundle: Mapping[str, Any]) -> bool:
    """Whether the campaign's rules do something with a lead (so its page must take one)."""
    return any(rule.get("trigger") == "lead" for rule in bundle.get("rules") or [])


def lead_offer(
    bundle: Mapping[str, Any],
    title: str | None = None,
    ask_city: bool = False,
    consent_text: str | None = None,
) -> dict[str, Any]:
    """The page data of a lead form; an empty title or clause reads the page's default text."""
    return {
        "title": title or None,
        "ask_city": ask_city,
        "consent": consent_clause(consent_text) or None,
        "points": lead_points(bundle),
    }
