"""Audience: who may join (conditions built with the query builder, or a whitelist) and the
message a refused participant reads."""

from __future__ import annotations

import re
from typing import Any

from wtforms import SelectField, StringField, TextAreaField, validators

from builder.editor.base import EditContext, EditorForm, Section
from builder.editor.fields import JSONModelField, lines_to_list
from builder.editor.querybuilder import from_querybuilder, to_querybuilder
from builder.i18n import N_, lazy, translate

MAX_WHITELIST = 100_000
_CONDITION_PATH = re.compile(r"^audience\.conditions")


class AudienceSection(Section):
    key = "audience"
    title = N_("Audience")
    help = N_("Who may join: conditions on the customer, or a list of customer ids.")
    template = "audience"
    prefixes = ("audience",)
    trigger = "join"

    def form_class(self, ctx: EditContext):
        channels = list(ctx.channels)
        current = (ctx.bundle.get("audience") or {}).get("whitelist_channel")
        if current and current not in channels:
            channels.append(current)

        class AudienceForm(EditorForm):
            conditions = JSONModelField(lazy("Who may join"))
            whitelist_ref = list_select(
                ctx,
                "whitelist_ref",
                lazy("Only the customers of a whitelist from the audience library"),
            )
            segment_ref = list_select(
                ctx, "segment_ref", lazy("Only the customers of a tag segment")
            )
            whitelist = TextAreaField(
                lazy("Only these customers (whitelist)"),
                description=lazy(
                    "Customer ids, one per line (or separated by commas). Leave empty to let "
                    "everyone who meets the conditions join."
                ),
                render_kw={"rows": 4},
            )
            whitelist_channel = SelectField(
                lazy("The ids are customers of"),
                choices=[("", "—"), *[(c, c) for c in channels]],
                description=lazy(
                    "The channel (the bank's app, a WeChat account...) the ids come "
                    "from: the same id in another channel is another person."
                ),
            )
            message = StringField(
                lazy("Message to customers who may not join"),
                [validators.InputRequired(), validators.Length(max=200)],
            )

            def validate_whitelist(self, field) -> None:
                if len(lines_to_list(field.data)) > MAX_WHITELIST:
                    raise validators.ValidationError(
                        translate("At most {n} ids; upload larger lists as a segment.").format(
                            n=f"{MAX_WHITELIST:,}"
                        )
                    )

        return AudienceForm

    def form_data(self, bundle: dict[str, Any], ctx: EditContext) -> dict[str, Any]:
        audience = bundle.get("audience") or {}
        return {
            "conditions": to_querybuilder(audience.get("conditions")),
            "whitelist": "\n".join(audience.get("whitelist") or []),
            "whitelist_channel": audience.get("whitelist_channel") or "",
            "whitelist_ref": (audience.get("whitelist_ref") or {}).get("name", ""),
            "segment_ref": (audience.get("segment_ref") or {}).get("name", ""),
            "message": audience.get("message", ""),
        }

    def apply(self, data: dict[str, Any], bundle: dict[str, Any], ctx: EditContext) -> None:
        audience = bundle.setdefault("audience", {})
        audience["conditions"] = from_querybuilder(data["conditions"])
        ids = lines_to_list(data["whitelist"])
        audience["whitelist"] = ids or None
        audience["whitelist_channel"] = (data["whitelist_channel"] or None) if ids else None
        for field in LIST_FIELDS:
            ref = list_ref(data[field], audience.get(field), ctx.lists.get(LIST_FIELDS[field], []))
            if ref is not None:
                audience[field] = ref
            else:
                audience.pop(field, None)  # absent, as in a bundle that never named a list
        audience["message"] = data["message"].strip()

    def field_for(self, path: str, bundle: dict[str, Any]) -> str | None:
        if _CONDITION_PATH.match(path):
            return "conditions"
        if path.startswith("audience.whitelist_channel"):
            return "whitelist_channel"
        for field in LIST_FIELDS:
            if path.startswith(f"audience.{field}"):
                return field
        if path.startswith("audience.whitelist"):
            return "whitelist"
        if path.startswith("audience.message"):
            return "message"
        return None

    def summary(self, bundle: dict[str, Any], ctx: EditContext) -> str:
        from builder.describe import condition_text

        audience = bundle.get("audience") or {}
        parts = []
        if audience.get("conditions"):
            parts.append(condition_text(audience["conditions"], ctx.lang, None))
        if audience.get("whitelist"):
            parts.append(
                translate("{n} customers on the whitelist").format(n=len(audience["whitelist"]))
            )
        for field, label in (
            ("whitelist_ref", N_("whitelist {name}, version {n}")),
            ("segment_ref", N_("tag segment {name}, version {n}")),
        ):
            ref = audience.get(field)
            if ref:
                parts.append(translate(label).format(name=ref["name"], n=ref.get("version")))
        return "; ".join(parts) or translate("Everyone may join.")


LIST_FIELDS = {"whitelist_ref": "whitelist", "segment_ref": "segment"}


def list_select(ctx: EditContext, field: str, label) -> SelectField:
    """A select of the audience library's lists of one kind, each with its latest version,
    and the list the draft names now even if it is gone (so the page shows what is saved)."""
    kind = LIST_FIELDS[field]
    choices = [("", translate("None"))]
    known = set()
    for name, number, size in ctx.lists.get(kind, []):
        known.add(name)
        choices.append(
            (
                name,
                translate("{name} (version {n}, {size} customers)").format(
                    name=name, n=number, size=f"{size:,}"
                ),
            )
        )
    current = ((ctx.bundle.get("audience") or {}).get(field) or {}).get("name")
    if current and current not in known:
        choices.append((current, translate("{name} (not in the library)").format(name=current)))
    return SelectField(
        label,
        choices=choices,
        description=lazy("Saving this section uses the list's latest version."),
    )


def list_ref(
    name: str, old: dict[str, Any] | None, available: list[tuple[str, int, int]]
) -> dict[str, Any] | None:
    """The reference to store: the chosen list at its latest version; a list no longer in the
    library keeps its old reference (validation reports it)."""
    if not name:
        return None
    latest = {n: number for n, number, _size in available}
    if name in latest:
        return {"name": name, "version": latest[name]}
    return old if old and old.get("name") == name else {"name": name, "version": None}
