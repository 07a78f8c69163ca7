"""Validation problems: a path into the bundle, a message a marketer can read, a stable code."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bundle. `path` looks like "rules[0].conditions.all[1].operator"."""

    path: str
    message: str
    code: str
    message_zh: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class BundleError(ValueError):
    """Raised by load_bundle with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        first = self.problems[0] if self.problems else None
        summary = f"{first.path}: {first.message}" if first else "invalid bundle"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(summary + more)


def join_path(base: str, part: str | int) -> str:
    """Append a key or list index to a dotted path."""
    if isinstance(part, int):
        return f"{base}[{part}]"
    return f"{base}.{part}" if base else part
