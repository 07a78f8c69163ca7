"""Values of changed campaign fields in words (builder.changes says where they are): each
side of a change is read with its own bundle's glossary (rules.diff.glossary), so a prize key
reads as that prize's name, a condition tree as a sentence, a window as its days and hours."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from builder.i18n import N_, translate
from builder.labels import EXHAUSTED, FIELD_LABELS, KIND_FIELDS

_SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")


@dataclass
class Reader:
    """Puts the values of one bundle into words: its glossary, the language, branch names."""

    glossary: dict[str, Any]
    lang: str
    branches: dict[str, str] = field(default_factory=dict)

    def _entry(self, part: str, key: str) -> dict[str, Any]:
        return (self.glossary.get(part) or {}).get(key) or {}

    def name(self, part: str, key: str) -> str:
        entry = self._entry(part, key)
        if self.lang == "en" and entry.get("name_en"):
            return entry["name_en"]
        return entry.get("name") or key

    def names(self) -> dict[str, str]:
        """Key -> display name of every chance kind, prize and window (for rule sentences)."""
        flat: dict[str, str] = {}
        for part in ("windows", "kinds", "prizes"):
            for key in self.glossary.get(part) or {}:
                flat[key] = self.name(part, key)
        return flat

    def rule(self, rule_id: str) -> str:
        """ "Rule 2 “Share bonus”" (the name the marketer gave it), else "Rule 2: Share"."""
        from builder.describe import catalog, label

        entry = self._entry("rules", rule_id)
        if not entry:
            return translate("Rule")
        name = (entry.get("description") or "").strip()
        if name:
            short = name if len(name) <= 24 else name[:23] + "…"
            return translate("Rule {n} “{name}”").format(n=entry["position"], name=short)
        trigger = entry.get("trigger")
        trigger_label = label(catalog()["triggers"].get(trigger), self.lang, str(trigger or ""))
        return translate("Rule {n}: {trigger}").format(n=entry["position"], trigger=trigger_label)


def segments(path: str) -> list[str]:
    return [m.group(1) if m.group(1) is not None else m.group(2) for m in _SEGMENT.finditer(path)]


def reward_field_label(name: str, lang: str) -> str:
    """The label of a reward field (rules.rewards: the one definition of each kind's fields)."""
    from rules.rewards import REWARD_KINDS

    for kind in REWARD_KINDS.values():
        for spec in kind.fields:
            if spec.name == name:
                return spec.label_zh if lang == "zh" else spec.label_en
    return translate(N_("Other settings"))


def widget_spec(widget_type: str | None, name: str) -> dict[str, Any] | None:
    import widgets

    try:
        widget = widgets.get(str(widget_type))
    except KeyError:
        return None
    return next((f for f in widget.form_fields() if f["name"] == name), None)


def value_text(path: str, value: Any, reader: Reader) -> str:
    """A value in words, read the way its field means it."""
    if value is None:
        return _none_text(path)
    parts = segments(path)
    generic = re.sub(r"\[[^\]]*\]", "[*]", path)
    handler = _VALUE_HANDLERS.get(generic)
    if handler is not None:
        return handler(value, reader, parts)
    if parts[:2] == ["widget", "config"] and len(parts) > 2:
        return _widget_value(reader, parts[2], value)
    if generic.startswith("prizes[*].reward.") or generic == "prizes[*].reward":
        return _reward_text(value, reader) if isinstance(value, dict) else _plain(value, reader)
    return _plain(value, reader)


def _none_text(path: str) -> str:
    generic = re.sub(r"\[[^\]]*\]", "[*]", path)
    if generic in ("prizes[*].stock",):
        return translate("unlimited")
    if generic in ("audience.conditions", "rules[*].conditions"):
        return translate("always")
    return translate("not set")


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


def _when(value: Any, reader: Reader, parts: list[str]) -> str:
    return str(value)[:16].replace("T", " ")


def _weight(value: Any, reader: Reader, parts: list[str]) -> str:
    share = reader._entry("prizes", parts[1]).get("share")
    text = _plain(value, reader)
    return f"{text} ({share:.2f}%)" if isinstance(share, (int, float)) else text


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


def _exhausted(value: Any, reader: Reader, parts: list[str]) -> str:
    return translate(EXHAUSTED[value]) if value in EXHAUSTED else _plain(value, reader)


def _budget(value: Any, reader: Reader, parts: list[str]) -> str:
    if isinstance(value, dict):
        return f"{_plain(value.get('amount'), reader)} {value.get('currency') or ''}".strip()
    return _plain(value, reader)


def _branch(value: Any, reader: Reader, parts: list[str]) -> str:
    return reader.branches.get(str(value), str(value))


def _quotas(value: Any, reader: Reader, parts: list[str]) -> str:
    if not value:
        return translate("none")
    return "; ".join(f"{reader.branches.get(code, code)} ≤ {n}" for code, n in value.items())


def _per_person(value: Any, reader: Reader, parts: list[str]) -> str:
    texts = [
        f"{translate(FIELD_LABELS['limits.per_person.' + key])} {n}"
        for key, n in value.items()
        if n is not None and "limits.per_person." + key in FIELD_LABELS
    ]
    return "; ".join(texts) or translate("none")


def _widget_type(value: Any, reader: Reader, parts: list[str]) -> str:
    from builder.describe import widget_name

    return widget_name(str(value), reader.lang)


def _reward_kind(value: Any, reader: Reader, parts: list[str]) -> str:
    from builder.describe import reward_kind

    return reward_kind(str(value), reader.lang)


def _reward_text(value: dict[str, Any], reader: Reader) -> str:
    from builder.describe import reward_kind

    details = ", ".join(
        f"{reward_field_label(k, reader.lang)} {_plain(v, reader)}"
        for k, v in value.items()
        if k != "kind"
    )
    kind = reward_kind(str(value.get("kind")), reader.lang)
    return f"{kind} ({details})" if details else kind


def _prize(value: Any, reader: Reader, parts: list[str]) -> str:
    if not isinstance(value, dict):
        return _plain(value, reader)
    bits = [
        f"{translate('Weight')} {_weight(value.get('weight'), reader, parts)}",
        f"{translate('Stock')} "
        + (translate("unlimited") if value.get("stock") is None else str(value["stock"])),
    ]
    if isinstance(value.get("reward"), dict):
        bits.append(f"{translate('Reward')} {_reward_text(value['reward'], reader)}")
    if value.get("fallback"):
        bits.append(translate("Consolation prize"))
    return ", ".join(bits)


def _kind(value: Any, reader: Reader, parts: list[str]) -> str:
    if not isinstance(value, dict):
        return _plain(value, reader)
    return ", ".join(
        f"{translate(KIND_FIELDS[key])} {value.get(key) or 0}" for key in ("initial", "daily")
    )


def _widget_value(reader: Reader, name: str, value: Any) -> str:
    spec = widget_spec(reader.glossary.get("widget"), name) or {}
    labels = spec.get("choice_labels") or {}
    if isinstance(value, str) and value in labels:
        zh, en = labels[value]
        return zh if reader.lang == "zh" else en
    if spec.get("refers_to") and isinstance(value, str):
        return reader.names().get(value, value)
    return _plain(value, reader)


_VALUE_HANDLERS = {
    "schedule.starts_at": _when,
    "schedule.ends_at": _when,
    "schedule.windows[*]": _window,
    "audience.conditions": _conditions,
    "audience.whitelist": _whitelist,
    "chances.default_kind": _kind_name,
    "chances.kinds[*]": _kind,
    "prizes[*]": _prize,
    "prizes[*].weight": _weight,
    "prizes[*].chance_kinds": _kind_names,
    "prizes[*].reward.kind": _reward_kind,
    "odds.exhausted": _exhausted,
    "odds.boosts": _boosts,
    "limits.budget": _budget,
    "limits.branch_quotas": _quotas,
    "limits.per_person": _per_person,
    "rules": _rule_order,
    "rules[*]": _rule,
    "rules[*].conditions": _conditions,
    "rules[*].actions": _actions,
    "rules[*].trigger": _trigger,
    "branch": _branch,
    "widget.type": _widget_type,
}
