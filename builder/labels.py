"""The names of a campaign's fields as a reader sees them: the approver's diff, the version
comparison and the audit log name each field by its label in the section form that edits it
(builder.editor), and an enum's value by that form's choice, so a field is labelled once.
Parts no form shows as a field of its own (the link code, the widget, a rule's parts) are
named here."""

from __future__ import annotations

import functools
import re
from typing import Any

from wtforms.fields.core import UnboundField

from builder.i18n import N_, current_language, translate

_KEY = re.compile(r"\[[^\]]*\]")

# a list's items -> (the section, its form's rows field)
ROWS = {
    "prizes[*]": ("prizes", "prizes"),
    "chances.kinds[*]": ("chances", "kinds"),
    "schedule.windows[*]": ("windows", "windows"),
    "odds.boosts[*]": ("prizes", "boosts"),
    "tasks[*]": ("tasks", "tasks"),
    "mall.items[*]": ("mall", "items"),
    "mall.items[*].choices[*]": ("mall", "choices"),
}
# bundle fields edited by a form field of another name
RENAMED = {
    "limits.budget.amount": "budget",
    "limits.branch_quotas": "quotas",
    "tasks[*].badge": "badge_name",
    "prizes[*].reward": "reward_kind",
    "mall.items[*].reward": "reward_kind",
    "mall.items[*].choices[*].reward": "reward_kind",
}
# what no form field names
OWN_LABELS = {
    "slug": N_("Participant link code"),
    "format": N_("Bundle format"),
    "widget.type": N_("Widget"),
    "chances.default_kind": N_("Default chance kind"),
    "schedule.windows": N_("Time windows"),
    "chances.kinds": N_("Kinds of chance"),
    "limits.per_person": N_("Per-person limits"),
    "mall.items": N_("Rights"),
    "tasks": N_("Tasks"),
    "mall.items[*].choices": N_("Options"),
    # a row's name field is labelled by the row ("Task") in its form, by "Name" within it
    "tasks[*].name": N_("Name"),
    "mall.items[*].name": N_("Name"),
    "mall.items[*].choices[*].name": N_("Name"),
    "prizes[*].description": N_("Description"),
    "prizes[*].image": N_("Image"),
}
RULE_FIELDS = {
    "trigger": N_("When"),
    "conditions": N_("Conditions"),
    "actions": N_("Actions"),
    "description": N_("Description"),
}


def generic(path: str) -> str:
    """`prizes[gold].weight` -> `prizes[*].weight`."""
    return _KEY.sub("[*]", path)


def _unbound(form: type) -> dict[str, UnboundField]:
    found: dict[str, UnboundField] = {}
    for klass in reversed(form.__mro__):
        found.update({k: v for k, v in vars(klass).items() if isinstance(v, UnboundField)})
    return found


@functools.lru_cache(maxsize=8)
def _section_fields(key: str, lang: str) -> dict[str, UnboundField]:
    """The unbound fields of a section's form (built for no campaign: its labels and fixed
    choices, in `lang`, which is the language the studio's gettext answers in)."""
    from builder.editor import BY_KEY, EditContext

    return _unbound(BY_KEY[key].form_class(EditContext(lang=lang, bundle={})))


def _rows_of(field: UnboundField | None) -> dict[str, UnboundField]:
    """The row form's fields of a rows field (builder.editor.fields.rows)."""
    inner = field.args[0] if field is not None and field.args else None
    if isinstance(inner, UnboundField) and inner.args and isinstance(inner.args[0], type):
        return _unbound(inner.args[0])
    return {}


def form_field(path: str) -> UnboundField | None:
    """The form field that edits the bundle field at `path` (list items by key or index)."""
    from builder.editor import section_for_path

    shape = generic(path)
    lang = current_language()
    for items, (section, rows_field) in sorted(ROWS.items(), key=lambda r: -len(r[0])):
        if shape == items:
            return _section_fields(section, lang).get(rows_field)
        if shape.startswith(items + "."):
            leaf = shape[len(items) + 1 :].split(".")[0]
            row = _rows_of(_section_fields(section, lang).get(rows_field))
            return row.get(RENAMED.get(f"{items}.{leaf}", leaf))
    section = section_for_path(path)
    if section is None or section.key in ("widget", "rules"):
        return None
    name = RENAMED.get(shape) or shape.rsplit(".", 1)[-1]
    return _section_fields(section.key, lang).get(name)


def field_label(path: str) -> str | None:
    """The label of the field at `path`, in the reader's language, or None."""
    shape = generic(path)
    if shape in OWN_LABELS:
        return translate(OWN_LABELS[shape])
    field = form_field(path)
    if field is None:
        return None
    label = field.kwargs.get("label", field.args[0] if field.args else None)
    return str(label) if label else None


def choice_label(path: str, value: Any) -> str | None:
    """An enum's value as the form's select shows it ("remove" -> "Its share goes to the
    other prizes"), or None when the field has no such fixed choice."""
    field = form_field(path)
    choices = field.kwargs.get("choices") if field is not None else None
    if not isinstance(choices, list | tuple):
        return None
    for choice in choices:
        if isinstance(choice, tuple | list) and len(choice) >= 2 and choice[0] == value:
            return str(choice[1]) if choice[0] != "" else None
    return None


def section_label(path: str) -> str:
    """The title of the section whose form edits `path` (top-level parts no form edits, the
    link code and the format, belong with the basics)."""
    from builder.editor import BY_KEY, section_for_path

    section = section_for_path(path)
    if section is None and "." not in path and "[" not in path:
        section = BY_KEY["basics"]
    return section.label if section is not None else translate(N_("Other settings"))


def section_order(path: str) -> int:
    """Where the section of `path` comes among the editor's sections (basics first)."""
    from builder.editor import SECTIONS, section_for_path

    section = section_for_path(path)
    return SECTIONS.index(section) if section is not None else 0


def reward_field_label(kind: str | None, name: str, lang: str) -> str:
    """The label of a reward's field (rules.rewards: each kind's fields, defined once): the
    reward's own kind first ("amount" is points for points and yuan for a red packet)."""
    from rules.rewards import REWARD_KINDS

    kinds = list(REWARD_KINDS.values())
    kinds.sort(key=lambda k: k.key != kind)
    for spec_kind in kinds:
        for spec in spec_kind.fields:
            if spec.name == name:
                return spec.label_zh if lang == "zh" else spec.label_en
    return translate(N_("Other settings"))
