"""Form fields the editor needs beyond WTForms' own: pickers that map onto bundle values."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask_admin.model.fields import InlineFieldList, InlineFormField
from flask_admin.model.widgets import InlineFieldListWidget
from wtforms import Field, SelectMultipleField, StringField, widgets
from wtforms.validators import ValidationError

from builder.i18n import translate


class CheckboxesField(SelectMultipleField):
    """A row of checkboxes (weekdays, days of the month, chance kinds): nothing to type."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form) -> None:
        if self.data:
            known = {str(value) for value, *_ in self.iter_choices()}
            for value in self.data:
                if str(value) not in known:
                    raise ValidationError(translate("Choose from the list."))


class LocalDateTimeField(Field):
    """`<input type="datetime-local">` holding a bundle's local wall time `2026-11-02T00:00:00`."""

    widget = widgets.DateTimeLocalInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return (self.data or "")[:16]

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace(" ", "T")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.data = None
            raise ValueError(translate("Pick a date and a time.")) from None
        self.data = moment.replace(tzinfo=None).isoformat(timespec="seconds")


class ClockField(StringField):
    """`<input type="time">` for a window's hours; the end of the day is 24:00 in the bundle."""

    widget = widgets.TimeInput()

    def __init__(self, *args: Any, end_of_day: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.end_of_day = end_of_day

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "00:00" if self.data == "24:00" else (self.data or "")

    def process_formdata(self, valuelist: list[str]) -> None:
        value = valuelist[0].strip()[:5] if valuelist and valuelist[0] else ""
        if value and (len(value) != 5 or value[2] != ":" or not value.replace(":", "").isdigit()):
            self.data = None
            raise ValueError(translate("Pick a time like 20:00."))
        if self.end_of_day and value == "00:00":
            value = "24:00"
        self.data = value or None


class JSONModelField(Field):
    """A hidden field a page component (the query builder) fills with its model.

    The marketer never sees or types it: the component writes it on submit and the server
    validates it through `rules` like any other value.
    """

    widget = widgets.HiddenInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return json.dumps(self.data, ensure_ascii=False)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        text = valuelist[0].strip()
        if not text:
            self.data = None
            return
        try:
            self.data = json.loads(text)
        except ValueError:
            self.data = None
            raise ValueError(translate("The page sent a broken value; reload it.")) from None


def lines_to_list(text: str | None) -> list[str]:
    """A pasted list: one entry per line, or separated by commas (ASCII or full-width)."""
    if not text:
        return []
    for sep in ("，", ",", "、", ";", "；", "\t"):
        text = text.replace(sep, "\n")
    return [line.strip() for line in text.splitlines() if line.strip()]


class RowsWidget(InlineFieldListWidget):
    """Flask-Admin's inline list (rows added and removed in the page) with a grid per row."""

    def __init__(self) -> None:
        super().__init__()
        self.template = "admin/editor/inline_rows.html"


def rows(row_form: type, label: Any, **kwargs: Any) -> InlineFieldList:
    """A list of editable rows (prizes, windows, chance kinds...) of `row_form`."""
    return InlineFieldList(InlineFormField(row_form), label=label, widget=RowsWidget(), **kwargs)


WIDE = {"data-col": "col-12"}
