"""Values of changed campaign fields in words (builder.changes says where they are): each
side of a change is read with its own bundle's glossary (rules.diff.glossary), so a prize key
reads as that prize's name, a condition tree as a sentence, a window as its days and hours, an
enum as its form's choice, and a whole prize, task or mall right as its fields with their
labels."""

from __future__ import annotations

import re
from typing import Any

from builder.change_reader import Reader
from builder.i18n import N_, translate
from builder.labels import (
    ROWS,
    RULE_FIELDS,
    choice_label,
    field_label,
    generic,
    reward_field_label,
)

_SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")
# lists of named items, the glossary part holding their names
NAMED = {
    "prizes[*]": "prizes",
    "chances.kinds[*]": "kinds",
    "schedule.windows[*]": "windows",
    "tasks[*]": "tasks",
    "mall.items[*]": "mall",
}


def segments(path: str) -> list[str]:
    return [m.group(1) if m.group(1) is not None else m.group(2) for m in _SEGMENT.finditer(path)]


def widget_spec(widget_type: str | None, name: str) -> dict[str, Any] | None:
    import widgets

    try:
        widget = widgets.get(str(widget_type))
    except KeyError:
        return None
    return next((f for f in widget.form_fields() if f["name"] == name), None)


def item_field_label(path: str, reader: Reader) -> str:
    """The label of a field of a prize, task, mall right...: a reward's field by the
    reward's own kind, the others by their form label."""
    parts = segments(path)
    if "reward" in parts:
        rest = parts[parts.index("reward") + 1 :]
        if rest and rest[0] != "kind":
            return reward_field_label(reader.reward_kind(parts), rest[0], reader.lang)
    if parts[0] == "rules" and len(parts) > 2 and parts[2] in RULE_FIELDS:
        return translate(RULE_FIELDS[parts[2]])
    return field_label(path) or translate(N_("Other settings"))


def value_text(path: str, value: Any, reader: Reader) -> str:
    """A value in words, read the way its field means it."""
    if value is None:
        return _none_text(path)
    parts = segments(path)
    shape = generic(path)
    handler = _VALUE_HANDLERS.get(shape)
    if handler is not None:
        return handler(value, reader, parts)
    if shape in ROWS and isinstance(value, dict):
        return _item(path, value, reader)
    if parts[:2] == ["widget", "config"] and len(parts) > 2:
        return _widget_value(reader, parts[2], value)
    if "reward" in parts:
        return _reward_value(parts, value, reader)
    if isinstance(value, str):
        choice = choice_label(path, value)
        if choice is not None:
            return choice
    return _plain(value, reader)


def _none_text(path: str) -> str:
    shape = generic(path)
    if shape in ("prizes[*].stock", "mall.items[*].stock"):
        return translate("unlimited")
    if shape in ("audience.conditions", "rules[*].conditions"):
        return translate("always")
    return translate("not set")


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def _plain(value: Any, reader: Reader) -> str:
    if isinstance(value, bool):
        return translate("yes") if value else translate("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "、".join(_plain(v, reader) for v in value) if value else translate("none")
    if isinstance(value, dict):
        return "; ".join(_plain(v, reader) for v in value.values() if v is not None)
    if isinstance(value, str):
        return reader.names().get(value, value)
    return str(value)


def _empty(value: Any) -> bool:
    return value is None or value is False or value == [] or value == {} or value == ""


def _item(path: str, item: dict[str, Any], reader: Reader) -> str:
    """A whole prize, chance kind, task, mall right or option: each field with its label
    (its name is in the row's label)."""
    # the row's label shows one of the names; the other is listed with the fields
    named = "name_en" if reader.lang == "en" and item.get("name_en") else "name"
    bits = []
    for name, value in item.items():
        if name in ("key", "id", named) or _empty(value):
            continue
        sub = f"{path}.{name}"
        label = item_field_label(sub, reader)
        bits.append(label if value is True else f"{label} {value_text(sub, value, reader)}")
    separator = ";" if reader.lang == "zh" else "; "
    return separator.join(bits) or translate("none")


def _reward_value(parts: list[str], value: Any, reader: Reader) -> str:
    from rules.rewards import CHOICE_LABELS

    rest = parts[parts.index("reward") + 1 :]
    if not rest:
        return _reward_text(value, reader) if isinstance(value, dict) else _plain(value, reader)
    if rest[0] == "kind":
        return _reward_kind(value, reader, parts)
    if isinstance(value, str) and value in CHOICE_LABELS:
        zh, en = CHOICE_LABELS[value]
        return zh if reader.lang == "zh" else en
    return _plain(value, reader)


def _reward_text(value: dict[str, Any], reader: Reader) -> str:
    from builder.describe import reward_kind

    kind = str(value.get("kind"))
    details = ", ".join(
        f"{reward_field_label(kind, k, reader.lang)} " + _reward_value(["reward", k], v, reader)
        for k, v in value.items()
        if k != "kind" and v is not None
    )
    name = reward_kind(kind, reader.lang)
    return f"{name} ({details})" if details else name


def _when(value: Any, reader: Reader, parts: list[str]) -> str:
    return str(value)[:16].replace("T", " ")


def _weight(value: Any, reader: Reader, parts: list[str]) -> str:
    share = reader.entry("prizes", parts[1]).get("share")
    text = _plain(value, reader)
    return f"{text} ({share:.2f}%)" if isinstance(share, int | float) else text


def _kind_names(value: Any, reader: Reader, parts: list[str]) -> str:
    if not value:
        return translate("every kind of chance")
    return "、".join(reader.name("kinds", str(k)) for k in value)


def _kind_name(value: Any, reader: Reader, parts: list[str]) -> str:
    return reader.name("kinds", str(value))


def _conditions(value: Any, reader: Reader, parts: list[str]) -> str:
    from builder.describe import condition_text

    return condition_text(value, reader.lang, reader.names()) or translate("always")


def _actions(value: Any, reader: Reader, parts: list[str]) -> str:
    from builder.describe import action_text

    if not value:
        return translate("none")
    separator = ";" if reader.lang == "zh" else "; "
    return separator.join(action_text(a, reader.lang, reader.names()) for a in value)


def _trigger(value: Any, reader: Reader, parts: list[str]) -> str:
    from builder.describe import catalog, label

    return label(catalog()["triggers"].get(value), reader.lang, str(value))


def _rule(value: Any, reader: Reader, parts: list[str]) -> str:
    from builder.describe import rule_sentence

    return rule_sentence(value, reader.lang, reader.names())


def _rule_order(value: Any, reader: Reader, parts: list[str]) -> str:
    return " → ".join(reader.rule(str(r)) for r in value)


def _window(value: Any, reader: Reader, parts: list[str]) -> str:
    from builder.editor.windows import describe_window

    try:
        return describe_window(value, reader.lang)
    except (KeyError, TypeError):
        return _plain(value, reader)


def _whitelist(value: Any, reader: Reader, parts: list[str]) -> str:
    ids = [str(v) for v in value]
    shown = "、".join(ids[:5]) + ("…" if len(ids) > 5 else "")
    count = translate("{n} customers on the whitelist").format(n=len(ids))
    return f"{count}: {shown}" if ids else count


def _list_ref(value: Any, reader: Reader, parts: list[str]) -> str:
    if not isinstance(value, dict):
        return _plain(value, reader)
    return translate("{name}, version {n}").format(name=value.get("name"), n=value.get("version"))


def _boosts(value: Any, reader: Reader, parts: list[str]) -> str:
    if not value:
        return translate("none")
    texts = []
    for boost in value:
        prizes = "、".join(reader.name("prizes", str(p)) for p in boost.get("prizes") or [])
        window = reader.name("windows", str(boost.get("window")))
        texts.append(
            translate("during {window}: {prizes} ×{factor}").format(
                window=window, prizes=prizes, factor=_plain(boost.get("factor"), reader)
            )
        )
    return "; ".join(texts)


def _budget(value: Any, reader: Reader, parts: list[str]) -> str:
    if isinstance(value, dict):
        return f"{_number(value.get('amount'))} {value.get('currency') or ''}".strip()
    return f"{_number(value)} {reader.glossary.get('currency') or ''}".strip()


def _branch(value: Any, reader: Reader, parts: list[str]) -> str:
    return reader.branches.get(str(value), str(value))


def _widget_type(value: Any, reader: Reader, parts: list[str]) -> str:
    from builder.describe import widget_name

    return widget_name(str(value), reader.lang)


def _reward_kind(value: Any, reader: Reader, parts: list[str]) -> str:
    from builder.describe import reward_kind

    return reward_kind(str(value), reader.lang)


def _badge(value: Any, reader: Reader, parts: list[str]) -> str:
    if not isinstance(value, dict):
        return _plain(value, reader)
    names = [value.get("name"), value.get("name_en")]
    if reader.lang == "en":
        names.reverse()
    first, other = names
    text = f"{value.get('icon') or ''} {first or other or ''}".strip()
    return f"{text} ({other})" if first and other and other != first else text


def _candidate(value: Any, reader: Reader, parts: list[str]) -> str:
    return (reader.glossary.get("candidates") or {}).get(str(value)) or str(value)


def _options(value: Any, reader: Reader, parts: list[str]) -> str:
    if not isinstance(value, list):
        return _plain(value, reader)
    texts = []
    for option in value:
        if not isinstance(option, dict):
            continue
        name = (option.get("name_en") if reader.lang == "en" else None) or option.get("name")
        reward = option.get("reward")
        texts.append(
            f"{name} ({_reward_text(reward, reader)})" if isinstance(reward, dict) else str(name)
        )
    return "、".join(texts) or translate("none")


def _widget_value(reader: Reader, name: str, value: Any) -> str:
    spec = widget_spec(reader.glossary.get("widget"), name) or {}
    labels = spec.get("choice_labels") or {}
    if isinstance(value, str) and value in labels:
        zh, en = labels[value]
        return zh if reader.lang == "zh" else en
    if spec.get("refers_to") and isinstance(value, str):
        return reader.names().get(value, value)
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return "、".join(str(v.get("name") or v.get("id") or "") for v in value)
    return _plain(value, reader)


_VALUE_HANDLERS = {
    "schedule.starts_at": _when,
    "schedule.ends_at": _when,
    "schedule.windows[*]": _window,
    "audience.conditions": _conditions,
    "audience.whitelist": _whitelist,
    "audience.whitelist_ref": _list_ref,
    "audience.segment_ref": _list_ref,
    "chances.default_kind": _kind_name,
    "prizes[*].weight": _weight,
    "prizes[*].chance_kinds": _kind_names,
    "odds.boosts": _boosts,
    "limits.budget": _budget,
    "limits.budget.amount": _budget,
    "rules": _rule_order,
    "rules[*]": _rule,
    "rules[*].conditions": _conditions,
    "rules[*].actions": _actions,
    "rules[*].trigger": _trigger,
    "branch": _branch,
    "widget.type": _widget_type,
    "tasks[*].badge": _badge,
    "tasks[*].candidate": _candidate,
    "mall.items[*].choices": _options,
}
