"""Studio wording in Chinese and English through Flask-Babel.

Message ids are the English text; the Chinese catalogue is
builder/translations/zh_Hans_CN/LC_MESSAGES/messages.po (`make i18n` extracts, updates and
compiles it). `translate` and `lazy` are the studio's gettext and lazy_gettext; `pick` chooses
between the bilingual labels data carries (widgets, the rule catalogue) in the user's language.
"""

from __future__ import annotations

from pathlib import Path

from flask import has_request_context
from flask_babel import Domain, get_locale
from wtforms import Form

LANGUAGES = ("zh", "en")
# the studio's own catalogue, beside Flask-Admin's (which Flask-Admin loads itself)
DOMAIN = Domain(translation_directories=str(Path(__file__).parent / "translations"))
gettext, lazy_gettext = DOMAIN.gettext, DOMAIN.lazy_gettext

REVIEW_LABELS = {
    "editing": lazy_gettext("Editing"),
    "submitted": lazy_gettext("Submitted"),
    "approved": lazy_gettext("Approved"),
    "rejected": lazy_gettext("Sent back"),
    "published": lazy_gettext("Published"),
}
STATUS_LABELS = {
    "draft": lazy_gettext("Draft"),
    "pending_approval": lazy_gettext("Pending approval"),
    "approved": lazy_gettext("Approved"),
    "live": lazy_gettext("Live"),
    "paused": lazy_gettext("Paused"),
    "ended": lazy_gettext("Ended"),
}


def current_language() -> str:
    """ "zh" or "en": the language of the studio's pages for this request."""
    if not has_request_context():
        return "en"
    locale = get_locale()
    return "zh" if locale is not None and locale.language == "zh" else "en"


class UserLanguageMeta:
    """WTForms' own messages ("Not a valid integer value.") in the studio user's language:
    the Meta of every studio form (WTForms alone answers in English)."""

    def get_translations(self, form):
        from wtforms.i18n import get_translations

        return get_translations(["zh"] if current_language() == "zh" else ["en"])


class TranslatedForm(Form):
    """A plain WTForms form (no CSRF of its own) speaking the user's language."""

    class Meta(UserLanguageMeta):
        pass


def N_(text: str) -> str:
    """Marks `text` for the catalogue where it is defined; it is translated where it is shown."""
    return text


def translate(text: str) -> str:
    return gettext(text)


def lazy(text: str):
    """A label translated when rendered, so menus and column headers follow the user's language."""
    return lazy_gettext(text)


def pick(zh: str, en: str | None) -> str:
    """One of a pair of labels carried by data, in the user's language."""
    return (zh or en or "") if current_language() == "zh" else (en or zh or "")


def review_label(status: str) -> str:
    return str(REVIEW_LABELS.get(status, status))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def local_time(value) -> str:
    """A UTC datetime shown in the studio's zone (STUDIO_TIMEZONE), to the minute."""
    from zoneinfo import ZoneInfo

    from flask import current_app

    if value is None:
        return ""
    return value.astimezone(ZoneInfo(current_app.config["STUDIO_TIMEZONE"])).strftime(
        "%Y-%m-%d %H:%M"
    )


def local_time_iso(text: str | None) -> str:
    """An ISO timestamp kept in JSON (a version's approvals) in the studio's zone."""
    from datetime import UTC, datetime

    if not text:
        return ""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return text
    return local_time(value if value.tzinfo else value.replace(tzinfo=UTC))
