"""The campaign editor's building blocks: a section is one form over one part of the bundle.

A section knows three things: how to fill its form from a bundle (`form_data`), how to write the
form back into a copy of the bundle (`apply`), and where a validation problem's bundle path lands
in its form (`field_for`). Everything else (validation, saving, audit) is shared by every section,
so the same form serves the campaign page and the wizard.
"""

from __future__ import annotations

import copy
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from flask_admin.form import SecureForm
from wtforms import Form

from builder.i18n import TranslatedForm, UserLanguageMeta, translate


@dataclass
class EditContext:
    """What a section's form needs beyond the bundle: language and this user's choices."""

    lang: str
    bundle: dict[str, Any]
    branches: list[tuple[str, str]] = field(default_factory=list)  # (code, label) in scope
    pools: list[tuple[str, str]] = field(default_factory=list)  # (pool key, label)
    channels: list[str] = field(default_factory=list)  # channel names (a whitelist's ids' origin)
    rights: list[dict[str, Any]] = field(default_factory=list)  # builder.rights.editor_choices
    # list kind -> [(name, latest version number, ids in it)] the campaign may name
    lists: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)

    def pick(self, zh: str, en: str | None) -> str:
        """The label in the user's language (Chinese falls back to English and back)."""
        return (zh or en or "") if self.lang == "zh" else (en or zh or "")

    def kinds(self) -> list[tuple[str, str]]:
        return [
            (k["key"], self.pick(k.get("name", ""), k.get("name_en")))
            for k in (self.bundle.get("chances") or {}).get("kinds") or []
        ]

    def prizes(self) -> list[tuple[str, str]]:
        return [
            (p["key"], self.pick(p.get("name", ""), p.get("name_en")))
            for p in self.bundle.get("prizes") or []
        ]

    def badges(self) -> list[tuple[str, str]]:
        """The campaign's badges (a badge's key is its task's key) with their names."""
        return [
            (t["key"], self.pick(t["badge"].get("name", ""), t["badge"].get("name_en")))
            for t in self.bundle.get("tasks") or []
            if isinstance(t, dict) and isinstance(t.get("badge"), dict)
        ]

    def windows(self) -> list[tuple[str, str]]:
        return [
            (w["id"], w.get("name") or w["id"])
            for w in (self.bundle.get("schedule") or {}).get("windows") or []
        ]


class EditorForm(SecureForm):
    """Every section form: CSRF through Flask-Admin's SecureForm (session based)."""

    class Meta(UserLanguageMeta):
        pass


class RowForm(TranslatedForm):
    """One row of a section's list (a prize, a window...): its messages in the user's language."""


class Section(ABC):
    """One editing section of a campaign. Subclasses set the class attributes and hooks."""

    key: ClassVar[str]
    title: ClassVar[str]  # English text, translated when shown
    help: ClassVar[str] = ""
    template: ClassVar[str]  # the Jinja macro file that draws the form's body
    prefixes: ClassVar[tuple[str, ...]]  # bundle paths this section edits

    def build_form(self, ctx: EditContext, formdata=None) -> Form:
        form = self.form_class(ctx)(formdata=formdata, data=self.form_data(ctx.bundle, ctx))
        return form

    @abstractmethod
    def form_class(self, ctx: EditContext) -> type[Form]:
        """The WTForms class of this section for this campaign (its choices are the campaign's)."""

    @abstractmethod
    def form_data(self, bundle: dict[str, Any], ctx: EditContext) -> dict[str, Any]:
        """The form's values from the bundle."""

    @abstractmethod
    def apply(self, data: dict[str, Any], bundle: dict[str, Any], ctx: EditContext) -> None:
        """Write the form's data into `bundle` (a copy the caller owns)."""

    def field_for(self, path: str, bundle: dict[str, Any]) -> str | None:
        """The form field (dash-joined name) that shows a problem at bundle `path`, if any."""
        return None

    def applies(self, bundle: dict[str, Any]) -> bool:
        """Whether this campaign uses the section (sections a campaign does not use are not
        listed; the campaign page offers them as sections to add)."""
        return True

    def owns(self, path: str) -> bool:
        return any(path == p or path.startswith((p + ".", p + "[")) for p in self.prefixes)

    @abstractmethod
    def summary(self, bundle: dict[str, Any], ctx: EditContext) -> str:
        """One line a marketer reads on the campaign page."""

    def updated_bundle(self, form: Form, ctx: EditContext) -> dict[str, Any]:
        bundle = copy.deepcopy(ctx.bundle)
        self.apply(form_values(form), bundle, ctx)
        return bundle

    @property
    def label(self) -> str:
        return translate(self.title)


def form_values(form: Form) -> dict[str, Any]:
    """The form's data without the CSRF token and with deleted inline rows dropped."""
    from flask_admin.model.fields import InlineFieldList

    values: dict[str, Any] = {}
    for name, bound in form._fields.items():
        if name == "csrf_token":
            continue
        if isinstance(bound, InlineFieldList):
            values[name] = [
                form_values(entry.form) if hasattr(entry, "form") else entry.data
                for entry in bound.entries
                if not bound.should_delete(entry)
            ]
        else:
            values[name] = bound.data
    return values


_INDEX = re.compile(r"\[(\d+)\]")


def dashed(path: str) -> str:
    """`prizes[2].stock` -> `prizes-2-stock` (WTForms' names for list entries)."""
    return _INDEX.sub(r"-\1", path).replace(".", "-")


def blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def whole(value: Any) -> Any:
    """A float that is a whole number as an int (a weight of 5 is kept and shown as 5, not 5.0:
    WTForms' FloatField reads every number as a float)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def next_key(prefix: str, taken: set[str]) -> str:
    """The first `<prefix>-<n>` not in `taken`: keys of rows a marketer adds never clash."""
    n = 1
    while f"{prefix}-{n}" in taken:
        n += 1
    return f"{prefix}-{n}"


def widget_draws(bundle: dict[str, Any]) -> bool:
    """Whether the campaign's widget draws: only then does it need kinds of chance and prizes
    (a points mall or a vote may have neither)."""
    import widgets

    kind = (bundle.get("widget") or {}).get("type")
    if not isinstance(kind, str) or kind not in widgets.default_registry():
        return True  # the bundle's own validation names an unknown widget
    return "draw" in widgets.get(kind).actions
