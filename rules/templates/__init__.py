"""The five seed campaigns and a points mall with tasks as bundles, read through
importlib.resources."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def list_templates() -> list[str]:
    """Template names (file names without .json), sorted."""
    return sorted(
        p.name[:-5] for p in resources.files(__name__).iterdir() if p.name.endswith(".json")
    )


def load_template(name: str) -> dict[str, Any]:
    """A fresh copy of one template bundle; KeyError for an unknown name."""
    if name not in list_templates():
        raise KeyError(f"unknown template {name!r}; known: {', '.join(list_templates())}")
    return json.loads(resources.files(__name__).joinpath(f"{name}.json").read_text("utf-8"))
