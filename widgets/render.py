"""Jinja rendering for widget pages, independent of Flask (widgets import no web framework)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .display import image_url

WIDGETS_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WIDGETS_DIR / "templates"
STATIC_DIR = WIDGETS_DIR / "static"


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(("html",)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["asset_version"] = asset_version
    env.filters["image_url"] = image_url
    return env


@functools.cache
def asset_version(relative: str) -> str:
    """Short content hash of a static file, appended to its URL so caches can keep it long."""
    return hashlib.sha256((STATIC_DIR / relative).read_bytes()).hexdigest()[:10]


def render_template(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
