"""Changes in words: each changed field of a campaign (rules.diff) as where it is, its old value
and its new value, in the reader's language and with the campaign's own names (prize, chance
kind, window, task and mall right names, rules as sentences), never a JSON path or a Python
repr. Fields are labelled as the section forms label them (builder.labels).

The approver's diff, the side-by-side comparison of two versions and the audit log all read
changes through `describe_fields`/`describe_changes`; each side is put into words with its own
bundle's glossary (rules.diff.glossary), which the audit log stores with a draft edit's fields.
A part added or removed whole (every section of a new campaign) reads field by field, so a new
campaign reads as a summary of what is approved, section by section (`by_section`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from builder.change_reader import Reader
from builder.change_values import NAMED, item_field_label, segments, value_text, widget_spec
from builder.i18n import N_, translate
from builder.labels import RULE_FIELDS, field_label, generic, section_label, section_order

# parts read whole even when added or removed whole (the others read field by field)
READ_WHOLE = {
    "limits.budget",
    "audience.whitelist_ref",
    "audience.segment_ref",
    "prizes[*].reward",
    "mall.items[*].reward",
    "mall.items[*].choices[*].reward",
    "tasks[*].badge",
    "prizes[*]",
    "chances.kinds[*]",
    "schedule.windows[*]",
    "rules[*]",
    "tasks[*]",
    "mall.items[*]",
    "mall.items[*].choices[*]",
}
# fields a new campaign lists even when empty, because empty means something
SHOWN_EMPTY = {"audience.conditions"}
# fields no reader needs (the bundle format)
HIDDEN = {"format"}


@dataclass(frozen=True)
class ChangeRow:
    """One changed field in words: `label` says where, `before` and `after` the values;
    `section` is the title of the section that edits it and `detail` the label within it."""

    path: str
    kind: str
    label: str
    before: str
    after: str
    section: str = ""
    detail: str = ""
    order: int = 0


def _quoted(text: str) -> str:
    return f"“{text}”"


_ITEM = re.compile(
    r"^(prizes|chances\.kinds|schedule\.windows|tasks|mall\.items)\[([^\]]*)\]"
    r"(?:\.choices\[([^\]]*)\])?"
)


def _named(path: str, reader: Reader) -> tuple[str, str] | None:
    """For a path in a named item: the item in words ("Prize “Gold shovel”", "Right
    “Thermos” · Option “Blue”") and the rest of the path (empty for the whole item)."""
    match = _ITEM.match(path)
    if match is None:
        return None
    items, key, option = match.groups()
    shape = f"{items}[*]"
    text = f"{field_label(shape)} {_quoted(reader.name(NAMED[shape], key))}"
    if option is not None:
        choice = field_label("mall.items[*].choices[*]")
        text += f" · {choice} {_quoted(reader.option(key, option))}"
    return text, path[match.end() :]


def place(path: str, reader: Reader) -> tuple[str, str, bool]:
    """(section title, label within it, whether the label stands alone): a named item's
    field stands alone ("Prize “Gold shovel” · Weight"), another field goes with its section
    ("Quotas and budget · Budget")."""
    parts = segments(path)
    section = section_label(path)
    if parts[0] == "rules":
        if len(parts) == 1:
            return section, translate("Order of the rules"), False
        detail = translate(RULE_FIELDS[parts[2]]) if parts[2:3] and parts[2] in RULE_FIELDS else ""
        return section, " · ".join(filter(None, [reader.rule(parts[1]), detail])), True
    named = _named(path, reader)
    if named is not None:
        text, rest = named
        return section, f"{text} · {item_field_label(path, reader)}" if rest else text, True
    if parts[:2] == ["limits", "branch_quotas"] and len(parts) > 2:
        branch = reader.branches.get(parts[2], parts[2])
        return section, f"{field_label('limits.branch_quotas')} · {branch}", False
    if parts[:2] == ["widget", "config"] and len(parts) > 2:
        spec = widget_spec(reader.glossary.get("widget"), parts[2])
        label = (spec["label_zh"] if reader.lang == "zh" else spec["label_en"]) if spec else None
        return section, label or translate(N_("Other settings")), False
    return section, field_label(path) or translate(N_("Other settings")), False


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {} or value == ""


def _leaves(path: str, before: Any, after: Any) -> Iterator[tuple[str, Any, Any]]:
    """A part added or removed whole, field by field (list items by key), so each field
    reads with its own label; what changed on both sides is already a field (rules.diff)."""
    from rules.diff import KEYED, WHOLE

    side = after if before is None else before if after is None else None
    shape = generic(path)
    if isinstance(side, dict) and shape not in READ_WHOLE and shape not in WHOLE:
        for name, value in side.items():
            child = f"{path}.{name}" if path else name
            if _empty(value) and (generic(child) not in SHOWN_EMPTY or after is None):
                continue
            yield from _leaves(
                child, None if before is None else value, None if after is None else value
            )
        return
    key = KEYED.get(shape)
    if isinstance(side, list) and key is not None and shape not in WHOLE:
        items = [i for i in side if isinstance(i, dict) and isinstance(i.get(key), str)]
        if len(items) == len(side):
            for item in items:
                yield from _leaves(
                    f"{path}[{item[key]}]",
                    None if before is None else item,
                    None if after is None else item,
                )
            return
    yield path, before, after


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
    for changed in list(after) + [p for p in before if p not in after]:
        for path, a, b in _leaves(changed, before.get(changed), after.get(changed)):
            if not segments(path) or generic(path) in HIDDEN:
                continue
            kind = "added" if a is None else "removed" if b is None else "changed"
            if path == "rules" and a is not None and b is not None:
                kind = "reordered"
            reader = new if b is not None else old
            section, detail, alone = place(path, reader)
            old_text, new_text = value_text(path, a, old), value_text(path, b, new)
            if path == "audience.whitelist" and isinstance(a, list) and isinstance(b, list):
                new_text += _whitelist_delta(a, b)
            label = detail if alone else f"{section} · {detail}"
            rows.append(
                ChangeRow(
                    path, kind, label, old_text, new_text, section, detail, section_order(path)
                )
            )
    return rows


def by_section(
    rows: list[ChangeRow], bundle: dict[str, Any] | None = None
) -> list[tuple[str, list[ChangeRow]]]:
    """Rows grouped by section in the editor's order (the summary of a new campaign); with
    `bundle`, only the sections the campaign uses (a points mall has no prizes to read)."""
    from builder.editor import section_for_path

    groups: dict[str, list[ChangeRow]] = {}
    for row in sorted(rows, key=lambda r: r.order):
        section = section_for_path(row.path)
        if bundle is not None and section is not None and not section.applies(bundle):
            continue
        groups.setdefault(row.section, []).append(row)
    return list(groups.items())


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
