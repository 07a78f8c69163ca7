"""Reading one side of a change: a bundle's glossary (rules.diff.glossary) gives the names of
its prizes, chance kinds, windows, tasks, badges, mall rights and their options, where each
rule stands, and the reward kind of each prize and right, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from builder.i18n import translate


@dataclass
class Reader:
    """Puts the values of one bundle into words: its glossary, the language, branch names."""

    glossary: dict[str, Any]
    lang: str
    branches: dict[str, str] = field(default_factory=dict)

    def entry(self, part: str, key: str) -> dict[str, Any]:
        """The glossary's entry of `key` in `part` (prizes, kinds, windows, tasks, mall...)."""
        return (self.glossary.get(part) or {}).get(key) or {}

    def _pick(self, entry: dict[str, Any], key: str) -> str:
        if self.lang == "en" and entry.get("name_en"):
            return entry["name_en"]
        return entry.get("name") or key

    def name(self, part: str, key: str) -> str:
        return self._pick(self.entry(part, key), key)

    def option(self, item: str, key: str) -> str:
        """The name of option `key` of mall right `item`."""
        return self._pick((self.entry("mall", item).get("choices") or {}).get(key) or {}, key)

    def reward_kind(self, parts: list[str]) -> str | None:
        """The reward kind of the prize, mall right or option a path lies in."""
        if parts[:1] == ["prizes"] and len(parts) > 1:
            return self.entry("prizes", parts[1]).get("reward")
        if parts[:2] == ["mall", "items"] and len(parts) > 2:
            entry = self.entry("mall", parts[2])
            if parts[3:4] == ["choices"] and len(parts) > 4:
                entry = (entry.get("choices") or {}).get(parts[4]) or {}
            return entry.get("reward")
        return None

    def names(self) -> dict[str, str]:
        """Key -> display name of every chance kind, prize, window, badge (a badge's key is
        its task's) and vote candidate, for rule sentences and values naming them."""
        flat: dict[str, str] = {}
        for part in ("windows", "kinds", "prizes"):
            for key in self.glossary.get(part) or {}:
                flat[key] = self.name(part, key)
        for key, task in (self.glossary.get("tasks") or {}).items():
            badge = (task.get("badge_en") if self.lang == "en" else None) or task.get("badge")
            if badge:
                flat[key] = badge
        for key, name in (self.glossary.get("candidates") or {}).items():
            flat[key] = name or key
        return flat

    def rule(self, rule_id: str) -> str:
        """ "Rule 2 “Share bonus”" (the name the marketer gave it), else "Rule 2: Share"."""
        from builder.describe import catalog, label

        entry = self.entry("rules", rule_id)
        if not entry:
            return translate("Rule")
        name = (entry.get("description") or "").strip()
        if name:
            short = name if len(name) <= 24 else name[:23] + "…"
            return translate("Rule {n} “{name}”").format(n=entry["position"], name=short)
        trigger = entry.get("trigger")
        trigger_label = label(catalog()["triggers"].get(trigger), self.lang, str(trigger or ""))
        return translate("Rule {n}: {trigger}").format(n=entry["position"], trigger=trigger_label)
