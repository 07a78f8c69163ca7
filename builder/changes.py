"""Changes in words: each changed field of a campaign (rules.diff) as where it is, its old value
and its new value, in the reader's language and with the campaign's own names (prize, chance
kind and window names, rules as sentences), never a JSON path or a Python repr.

The approver's diff, the side-by-side comparison of two versions and the audit log all read
changes through `describe_fields`/`describe_changes`; each side is put into words with its own
bundle's glossary (rules.diff.glossary), which the audit log stores with a draft edit's fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from builder.change_values import Reader, reward_field_label, segments, value_text, widget_spec
from builder.i18n import N_, translate
from builder.labels import (
    FIELD_LABELS,
    KIND_FIELDS,
    PRIZE_FIELDS,
    RULE_FIELDS,
    SECTION_LABELS,
    TOP_LABELS,
)


@dataclass(frozen=True)
class ChangeRow:
    """One changed field in words: `label` says where, `before` and `after` the values."""

    path: str
    kind: str
    label: str
    before: str
    after: str


def _quoted(text: str) -> str:
    return f"“{text}”"


def where(path: str, reader: Reader) -> str:
    """Where a change is, in words: "Prize “Gold shovel” · Weight", "Rule 2 (Share) ·
    Conditions", "Quotas and budget · Branch quota · Shanghai Branch"."""
    parts = segments(path)
    if not parts:
        return ""
    head = parts[0]
    if len(parts) == 1 and head in TOP_LABELS:
        return translate(TOP_LABELS[head])
    section = translate(SECTION_LABELS.get(head, N_("Other settings")))
    if head == "prizes" and len(parts) > 1:
        rest = ".".join(parts[2:])
        named = f"{translate('Prize')} {_quoted(reader.name('prizes', parts[1]))}"
        return " · ".join(filter(None, [named, _prize_field(rest, reader.lang)]))
    if head == "rules" and len(parts) > 1:
        detail = translate(RULE_FIELDS[parts[2]]) if parts[2:3] and parts[2] in RULE_FIELDS else ""
        return " · ".join(filter(None, [reader.rule(parts[1]), detail]))
    if head == "rules":
        return f"{section} · {translate('Order of the rules')}"
    if parts[:2] == ["chances", "kinds"] and len(parts) > 2:
        named = f"{translate('Chance kind')} {_quoted(reader.name('kinds', parts[2]))}"
        detail = translate(KIND_FIELDS[parts[3]]) if parts[3:4] and parts[3] in KIND_FIELDS else ""
        return " · ".join(filter(None, [named, detail]))
    if parts[:2] == ["schedule", "windows"] and len(parts) > 2:
        return f"{translate('Time window')} {_quoted(reader.name('windows', parts[2]))}"
    if parts[:2] == ["limits", "branch_quotas"] and len(parts) > 2:
        branch = reader.branches.get(parts[2], parts[2])
        return f"{section} · {translate('Branch quota')} · {branch}"
    if parts[:2] == ["widget", "config"] and len(parts) > 2:
        return f"{section} · {_widget_field(reader.glossary.get('widget'), parts[2], reader.lang)}"
    joined = ".".join(parts)
    if joined in FIELD_LABELS:
        return f"{section} · {translate(FIELD_LABELS[joined])}"
    return section


def _prize_field(rest: str, lang: str) -> str:
    if not rest:
        return ""
    if rest in PRIZE_FIELDS:
        return translate(PRIZE_FIELDS[rest])
    if rest.startswith("reward."):
        return reward_field_label(rest.split(".", 1)[1], lang)
    return translate(N_("Other settings"))


def _widget_field(widget_type: str | None, name: str, lang: str) -> str:
    spec = widget_spec(widget_type, name)
    if spec is None:
        return translate(N_("Other settings"))
    return spec["label_zh"] if lang == "zh" else spec["label_en"]


def describe_fields(
    before: dict[str, Any],
    after: dict[str, Any],
    old_glossary: dict[str, Any],
    new_glossary: dict[str, Any],
    lang: str,
    branches: dict[str, str] | None = None,
) -> list[ChangeRow]:
    """Rows for changed fields given as path -> value on each side (the audit log's form)."""
    old = Reader(old_glossary or {}, lang, branches or {})
    new = Reader(new_glossary or {}, lang, branches or {})
    rows = []
    for path in list(after) + [p for p in before if p not in after]:
        a, b = before.get(path), after.get(path)
        kind = "added" if a is None else "removed" if b is None else "changed"
        if path == "rules" and a is not None and b is not None:
            kind = "reordered"
        label = where(path, new if b is not None else old)
        old_text, new_text = value_text(path, a, old), value_text(path, b, new)
        if path == "audience.whitelist" and isinstance(a, list) and isinstance(b, list):
            new_text += _whitelist_delta(a, b)
        rows.append(ChangeRow(path, kind, label, old_text, new_text))
    return rows


def _whitelist_delta(before: list, after: list) -> str:
    added = [str(v) for v in after if v not in set(before)]
    removed = [str(v) for v in before if v not in set(after)]
    bits = []
    if added:
        bits.append(translate("added: {ids}").format(ids="、".join(added[:10])))
    if removed:
        bits.append(translate("removed: {ids}").format(ids="、".join(removed[:10])))
    return f" ({'; '.join(bits)})" if bits else ""


def describe_changes(
    old_bundle: dict[str, Any] | None,
    new_bundle: dict[str, Any] | None,
    lang: str,
    branches: dict[str, str] | None = None,
) -> list[ChangeRow]:
    """Every change from `old_bundle` to `new_bundle` in words."""
    from rules.diff import changed_fields, diff_bundles, glossary

    before, after = changed_fields(diff_bundles(old_bundle, new_bundle))
    return describe_fields(
        before, after, glossary(old_bundle), glossary(new_bundle), lang, branches
    )


def branch_names(lang: str) -> dict[str, str]:
    """Branch code -> name in `lang`, for quotas and the owning branch."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import Branch

    rows = db.session.execute(select(Branch.code, Branch.name, Branch.name_en)).all()
    return {code: (name_en if lang == "en" and name_en else name) for code, name, name_en in rows}
