"""The rule tester's form: a sample participant described with the rule catalogue's variables,
a moment in the campaign's time zone and a trigger; `rules.tester` does the explaining."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from wtforms import BooleanField, FloatField, SelectField, StringField, validators

from builder.editor.base import EditContext, EditorForm
from builder.editor.fields import CheckboxesField, LocalDateTimeField
from builder.i18n import lazy
from rules import catalog
from rules.tester import TIME_VARIABLES, SampleParticipant

# Groups of variables, in the order the form shows them.
PROFILE = (
    "tags",
    "age",
    "asset_level",
    "customer_segment",
    "is_new_customer",
    "card_bound",
    "branch",
    "city",
    "days_since_registration",
    "days_since_last_login",
)
# Every other variable all triggers have counts what the person did so far.
COUNTERS = tuple(
    name
    for name, v in catalog.VARIABLES.items()
    if v.triggers == catalog.ALL_TRIGGERS and name not in PROFILE and name not in TIME_VARIABLES
)
PREFIX = "v_"


def variable_field(variable: catalog.Variable, ctx: EditContext):
    label = ctx.pick(variable.label_zh, variable.label_en)
    if variable.type == catalog.NUMERIC:
        return FloatField(label, [validators.Optional()], render_kw={"step": "any"})
    if variable.type == catalog.BOOLEAN:
        return BooleanField(label)
    options = [(str(o), catalog.option_label(variable.name, o, ctx.lang)) for o in variable.options]
    if variable.name in ("badges", "badge_earned"):
        options = ctx.badges()  # the campaign's own badges
    if variable.type == catalog.SELECT_MULTIPLE:
        return CheckboxesField(label, choices=options, render_kw={"data-col": "col-12"})
    if variable.type == catalog.SELECT:
        return SelectField(label, choices=[("", "—"), *options], validate_choice=False)
    return StringField(label, [validators.Optional(), validators.Length(max=200)])


def event_variables(trigger: str) -> list[catalog.Variable]:
    """Variables only this trigger's event carries (a transaction's amount, a share's channel)."""
    return [
        v
        for v in catalog.variables_for(trigger)
        if v.triggers != catalog.ALL_TRIGGERS and v.name not in TIME_VARIABLES
    ]


def tester_form(ctx: EditContext):
    """The form class for this campaign: its triggers, chance kinds and every variable."""
    triggers = [(k, ctx.pick(zh, en)) for k, (zh, en) in catalog.TRIGGERS.items()]
    attrs: dict[str, Any] = {
        "trigger": SelectField(lazy("What happens"), choices=triggers),
        "at": LocalDateTimeField(
            lazy("When (local time of the campaign)"), [validators.InputRequired()]
        ),
        "chance_kind": SelectField(
            lazy("Chance used for a draw"), choices=ctx.kinds(), validate_choice=False
        ),
        "participant_id": StringField(
            lazy("Customer id"),
            [validators.Optional(), validators.Length(max=128)],
            description=lazy("Only matters for a whitelist."),
        ),
    }
    names = [*PROFILE, *COUNTERS]
    names += [v.name for t in catalog.TRIGGERS for v in event_variables(t) if v.name not in names]
    for name in names:
        attrs[PREFIX + name] = variable_field(catalog.VARIABLES[name], ctx)
    return type("TesterForm", (EditorForm,), attrs)


def default_moment(bundle: dict[str, Any]) -> str:
    """Now in the campaign's zone when the campaign is running, else its first moment."""
    schedule = bundle["schedule"]
    now = datetime.now(ZoneInfo(schedule["timezone"])).replace(tzinfo=None)
    start = datetime.fromisoformat(schedule["starts_at"])
    end = datetime.fromisoformat(schedule["ends_at"])
    moment = now if start <= now < end else start
    return moment.isoformat(timespec="seconds")


def sample_from(form, timezone: str) -> tuple[str, SampleParticipant, datetime]:
    """The trigger, the sample participant and the moment (in the campaign's zone) described."""
    values: dict[str, Any] = {}
    for bound in form:
        if not bound.name.startswith(PREFIX):
            continue
        name = bound.name[len(PREFIX) :]
        value = bound.data
        if value in (None, "", []):
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if catalog.VARIABLES[name].type == catalog.BOOLEAN and value is False:
            continue
        values[name] = value
    sample = SampleParticipant(
        participant_id=(form.participant_id.data or "sample").strip(),
        values=values,
        chance_kind=form.chance_kind.data or None,
    )
    moment = datetime.fromisoformat(form.at.data).replace(tzinfo=ZoneInfo(timezone))
    return form.trigger.data, sample, moment


def groups(form) -> list[tuple[str, list]]:
    """The form's variable fields in labelled groups, for the template."""
    by_name = {f.name[len(PREFIX) :]: f for f in form if f.name.startswith(PREFIX)}
    event = [f for n, f in by_name.items() if n not in PROFILE and n not in COUNTERS]
    return [
        (lazy("The customer"), [by_name[n] for n in PROFILE]),
        (lazy("What they have done so far"), [by_name[n] for n in COUNTERS]),
        (lazy("What the event carries"), event),
    ]
