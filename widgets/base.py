"""The widget plugin contract: what every widget declares and the behaviour they share."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError

from . import defaults, display, forms, i18n, managed
from .render import render_template
from .rewards import bundle_currency

# The runtime endpoints a widget may use (CONTRACTS.md participant API).
RUNTIME_ACTIONS = ("draw", "share", "referral", "check_in", "vote", "lead", "exchange", "task")


class Widget:
    """One widget type. Subclasses set the class attributes and may override the hooks."""

    type: ClassVar[str]
    name_zh: ClassVar[str]
    name_en: ClassVar[str]
    description_zh: ClassVar[str]
    description_en: ClassVar[str]
    config_schema: ClassVar[type[Schema]]
    actions: ClassVar[tuple[str, ...]]
    icon: ClassVar[str] = "🎁"
    texts: ClassVar[dict[str, tuple[str, str]]] = {}
    # Settings that drive rules (widgets/managed.py): managed rule id -> the config fields it is
    # generated from, in the order the widget places its rules; limit name -> its config field.
    managed_rule_settings: ClassVar[dict[str, tuple[str, ...]]] = {}
    managed_limit_settings: ClassVar[dict[str, str]] = {}
    # Shared page parts the page uses (i18n.PARTS): their texts, static/common/<part>.{css,js}
    # and the template they come with (templates/_lead_form.html, _tasks.html).
    parts: ClassVar[tuple[str, ...]] = ()

    @property
    def template(self) -> str:
        return f"{self.type}.html"

    @property
    def assets(self) -> dict[str, list[str]]:
        """Static files (relative to widgets/static) the page loads, in order."""
        names = [
            "common/page",
            *(f"common/{part}" for part in self.parts),
            f"{self.type}/{self.type}",
        ]
        return {"css": [f"{n}.css" for n in names], "js": [f"{n}.js" for n in names]}

    # -- configuration -------------------------------------------------------------------

    def load_config(self, config: dict[str, Any] | None) -> dict[str, Any]:
        """Validated config with defaults filled; raises marshmallow.ValidationError."""
        return self.config_schema().load(config or {})

    def dump_config(self, config: dict[str, Any]) -> dict[str, Any]:
        return self.config_schema().dump(config)

    def default_config(self) -> dict[str, Any]:
        return self.dump_config(self.load_config({}))

    def validate_config(self, config: Any) -> list[dict[str, str]]:
        """Problems as [{path, message}] with bundle paths (widget.config.<field>)."""
        if not isinstance(config, dict):
            return [{"path": "widget.config", "message": "Must be an object."}]
        try:
            self.load_config(config)
        except ValidationError as err:
            return list(_flatten(err.messages, "widget.config"))
        return []

    def form_fields(self) -> list[dict[str, Any]]:
        return forms.form_fields(self.config_schema())

    # -- settings that drive rules ------------------------------------------------------------

    def managed_rules(self, config: dict[str, Any]) -> list[dict[str, Any]]:
        """The rules loaded `config` generates (ids from `managed_rule_settings`), each with a
        description naming its settings; a setting that turns a rule off leaves it out."""
        rules = self.rules_from_settings(config)
        for rule in rules:
            labels = "、".join(
                self.config_schema().fields[name].metadata["label_zh"]
                for name in self.managed_rule_settings[rule["id"]]
            )
            rule["description"] = f"由组件设置生成:{labels}"
        return rules

    def rules_from_settings(self, config: dict[str, Any]) -> list[dict[str, Any]]:
        """Hook: the managed rules without descriptions (override with managed_rule_settings)."""
        return []

    def managed_limits(self, config: dict[str, Any]) -> dict[str, Any]:
        """Limits (keys of bundle.limits) loaded `config` sets; keys of managed_limit_settings."""
        return {name: config[field] for name, field in self.managed_limit_settings.items()}

    def to_dict(self) -> dict[str, Any]:
        """What the studio needs to list the widget and build its configuration form."""
        return {
            "type": self.type,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "description_zh": self.description_zh,
            "description_en": self.description_en,
            "icon": self.icon,
            "actions": list(self.actions),
            "fields": self.form_fields(),
            "default_config": self.default_config(),
        }

    # -- wizard defaults ------------------------------------------------------------------

    def default_bundle(
        self, slug: str, name: str, branch: str, now: datetime | None = None
    ) -> dict[str, Any]:
        """A complete campaign bundle for the wizard: valid in `rules` as it stands."""
        bundle = defaults.base_bundle(slug, name, branch, now)
        bundle["widget"] = {"type": self.type, "config": self.default_config()}
        self.customize_bundle(bundle, bundle["widget"]["config"])
        return managed.apply_managed(bundle)

    def customize_bundle(self, bundle: dict[str, Any], config: dict[str, Any]) -> None:
        """Fill chances, prizes, odds, limits and the unmanaged rules for this widget (in place);
        default_bundle then adds the rules and limits the settings generate."""
        bundle["chances"] = defaults.single_kind(initial=3, daily=1)
        bundle["prizes"] = defaults.standard_prizes()

    # -- participant page and preview -------------------------------------------------------

    def page_data(self, bundle: dict[str, Any]) -> dict[str, Any]:
        """Public campaign data the page needs: never weights, stock or odds tables (a boost is
        shown only as its window, factor and prize names, see widgets/display.py)."""
        config = self.load_config(bundle.get("widget", {}).get("config"))
        chances = bundle.get("chances") or {}
        return {
            "slug": bundle["slug"],
            "name": bundle.get("name", ""),
            "name_en": bundle.get("name_en") or "",
            "description": bundle.get("description", ""),
            "type": self.type,
            "config": self.dump_config(config),
            "actions": list(self.actions),
            "prizes": [
                defaults.display_prize(p, bundle_currency(bundle))
                for p in bundle.get("prizes") or []
            ],
            "chance_kinds": [
                {
                    "key": k["key"],
                    "name": k.get("name", k["key"]),
                    "name_en": k.get("name_en") or "",
                }
                for k in chances.get("kinds") or []
            ],
            "default_kind": chances.get("default_kind"),
            "schedule": {
                k: (bundle.get("schedule") or {}).get(k)
                for k in ("starts_at", "ends_at", "timezone")
            },
            "boosts": display.boosts(bundle),
        }

    def page_texts(self) -> dict[str, tuple[str, str]]:
        """The widget's own texts over those of the shared parts it uses."""
        merged: dict[str, tuple[str, str]] = {}
        for part in self.parts:
            merged.update(i18n.PARTS[part])
        return {**merged, **self.texts}

    def render_page(
        self,
        bundle: dict[str, Any],
        *,
        lang: str,
        static_base: str,
        api_base: str = "/api/v1",
        preview: dict[str, Any] | None = None,
    ) -> str:
        data = self.page_data(bundle)
        data.update(
            lang=lang,
            api_base=api_base,
            preview=preview,
            texts=i18n.texts(lang, self.page_texts()),
            errors=i18n.error_texts(lang),
        )
        assets = self.assets
        if preview is not None:
            assets = {**assets, "js": ["common/preview.js", *assets["js"]]}
        return render_template(
            self.template,
            page=data,
            t=data["texts"],
            lang=lang,
            assets=assets,
            static_base=static_base,
            widget=self,
        )

    def render_preview(
        self, lang: str = "zh", static_base: str = "/w/static", bundle: dict[str, Any] | None = None
    ) -> str:
        """The page with sample data and a fake, clearly marked client-side API (no token)."""
        bundle = (
            copy.deepcopy(bundle)
            if bundle
            else self.default_bundle(
                "preview", self.name_zh if lang == "zh" else self.name_en, "HQ"
            )
        )
        return self.render_page(
            bundle, lang=lang, static_base=static_base, preview=self.preview_state(bundle)
        )

    def preview_state(self, bundle: dict[str, Any]) -> dict[str, Any]:
        """Sample `/me` answer for the preview (the fake API in the page starts from it)."""
        kinds = (bundle.get("chances") or {}).get("kinds") or []
        return {
            "me": {
                "chances": {k["key"]: max(k.get("initial", 0), 2) for k in kinds},
                "points": 120,
                "streak": 3,
                "checkins": 5,
                "referral_code": "DEMO88",
                "share_link": "/c/preview?ref=DEMO88",
                "referrals": 1,
                "votes_today": 0,
                "draws": 0,
                "wins": 0,
            },
            "rewards": [],
        }


def _flatten(messages: Any, path: str):
    if isinstance(messages, dict):
        for key, value in messages.items():
            sub = path if key == "_schema" else f"{path}.{key}"
            yield from _flatten(value, sub)
    elif isinstance(messages, list):
        for message in messages:
            if isinstance(message, str):
                yield {"path": path, "message": message}
            else:
                yield from _flatten(message, path)
    else:
        yield {"path": path, "message": str(messages)}
