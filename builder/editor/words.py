"""Words the rule tester's page uses: variables, operators, values, rules, actions and the
reasons an odds entry differs from its weight, in the user's language and the campaign's own
names."""

from __future__ import annotations

import re

from builder.i18n import N_, translate

NOTES = {
    "exhausted": N_("out of stock or today's release"),
    "per_person_limit": N_("this person reached the prize's limit"),
    "person_wins_total": N_("this person reached the total win limit"),
    "person_wins_per_day": N_("this person reached today's win limit"),
    "branch_quota": N_("the branch's quota is used up"),
    "chance_kind": N_("not with this kind of chance"),
    "guarantee_win": N_("guaranteed by a rule"),
    "guaranteed_first": N_("one of the first draws: a real prize is guaranteed"),
}


class Words:
    """Labels the tester's template needs: variables, operators, values, rules and actions."""

    def __init__(self, lang: str, bundle: dict):
        from builder.describe import bundle_names

        self.lang = lang
        self.bundle = bundle
        self.names = bundle_names(bundle, lang)

    def variable(self, name: str) -> str:
        from rules import catalog

        v = catalog.VARIABLES.get(name)
        return (v.label_zh if self.lang == "zh" else v.label_en) if v else name

    def operator(self, name: str) -> str:
        from rules import catalog

        zh, en = catalog.OPERATOR_LABELS.get(name, (name, name))
        return zh if self.lang == "zh" else en

    def value(self, variable: str, value) -> str:
        from builder.describe import value_text

        shown = value_text(variable, value, self.lang, self.names)
        return "—" if shown in (None, "", []) else str(shown)

    def rule(self, rule_id: str) -> str:
        from builder.describe import rule_sentence

        rule = next((r for r in self.bundle["rules"] if r["id"] == rule_id), None)
        if rule is None:
            return rule_id
        return rule.get("description") or rule_sentence(rule, self.lang, self.names)

    def action(self, action: dict) -> str:
        from builder.describe import action_text

        return action_text(action, self.lang, self.names)

    def name(self, key: str) -> str:
        return self.names.get(key, key)

    def note(self, note: str) -> str:
        """Why an odds entry differs from its weight, in words."""
        boost = re.match(r"boost:(?:window:(.+)|action)x([\d.]+)$", note)
        if boost:
            window, factor = boost.groups()
            where = self.names.get(window, window) if window else translate("a rule's boost")
            return translate("×{factor} during {window}").format(factor=factor, window=where)
        moved = re.match(r"\+([\d.]+) moved", note)
        if moved:
            return translate("+{weight} from prizes that cannot be won").format(
                weight=moved.group(1)
            )
        return translate(NOTES.get(note, note))
