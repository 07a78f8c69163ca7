#!/usr/bin/env python3
"""Rewrite what the docs and rules/bundle.schema.json derive from the code, or check them.

Usage: .venv/bin/python scripts/generate_docs.py [--check]
Generated: docs/bundle.md (reward kinds, operators, variables, actions), docs/widgets.md (each
widget's settings) and rules/bundle.schema.json. `--check` changes nothing and exits 1 naming
each stale file (the tests run the same comparison).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generated() -> dict[Path, str]:
    """Each generated file's path and its text as the code says it should be."""
    from rules import json_schema
    from rules.reference import bundle_tables, replace_blocks
    from widgets.reference import settings_tables

    docs = ROOT / "docs"
    bundle_md = (docs / "bundle.md").read_text(encoding="utf-8")
    widgets_md = (docs / "widgets.md").read_text(encoding="utf-8")
    return {
        docs / "bundle.md": replace_blocks(bundle_md, bundle_tables()),
        docs / "widgets.md": replace_blocks(widgets_md, {"widget_settings": settings_tables()}),
        json_schema.SCHEMA_PATH: json_schema.render(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    stale = []
    for path, text in generated().items():
        if path.read_text(encoding="utf-8") != text:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                path.write_text(text, encoding="utf-8")
    if stale and args.check:
        print("stale: " + ", ".join(map(str, stale)) + " (run scripts/generate_docs.py)")
        return 1
    for path in stale:
        print(f"rewrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
