"""The campaign editor: one form per section of a campaign, used by the campaign page and by the
wizard. `SECTIONS` gives them in the order a campaign is built."""

from __future__ import annotations

from builder.editor.audience import AudienceSection
from builder.editor.base import EditContext, Section
from builder.editor.basics import BasicsSection
from builder.editor.chances import ChancesSection
from builder.editor.limits import LimitsSection
from builder.editor.mall import MallSection
from builder.editor.prizes import PrizesSection
from builder.editor.rule_builder import RulesSection
from builder.editor.tasks import TasksSection
from builder.editor.widget_settings import WidgetSection
from builder.editor.windows import WindowsSection

SECTIONS: tuple[Section, ...] = (
    BasicsSection(),
    WindowsSection(),
    WidgetSection(),
    PrizesSection(),
    TasksSection(),
    MallSection(),
    ChancesSection(),
    LimitsSection(),
    AudienceSection(),
    RulesSection(),
)
BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}


def sections_for(bundle: dict) -> list[Section]:
    """The sections this campaign uses, in order."""
    return [s for s in SECTIONS if s.applies(bundle)]


def sections_to_add(bundle: dict) -> list[Section]:
    """Sections a campaign could use and does not yet (tasks for a lucky wheel...)."""
    return [s for s in SECTIONS if not s.applies(bundle)]


def section_for_path(path: str) -> Section | None:
    """The section whose form shows a problem at bundle `path` (for links to the field)."""
    for section in SECTIONS:
        if section.owns(path):
            return section
    return None


__all__ = [
    "BY_KEY",
    "SECTIONS",
    "EditContext",
    "Section",
    "section_for_path",
    "sections_for",
    "sections_to_add",
]
