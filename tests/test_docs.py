"""The docs a newcomer reads stay true: generated reference tables match the code, and the API's
list of error codes names every code the code can answer."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import GENERIC_CODES
from rules import catalog
from rules.reference import blocks, bundle_tables, replace_blocks
from rules.rewards import REWARD_KINDS
from widgets.reference import settings_tables

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(bundle_tables()))
def test_bundle_reference_tables_are_current(name):
    assert blocks(doc("bundle.md"))[name] == bundle_tables()[name], (
        "docs/bundle.md is stale: run .venv/bin/python scripts/generate_docs.py"
    )


def test_bundle_reference_lists_every_variable_with_type_and_every_action_and_kind():
    found = blocks(doc("bundle.md"))
    for v in catalog.VARIABLES.values():
        assert f"| `{v.name}` | `{v.type}` |" in found["variables"]
    for vtype, ops in catalog.OPERATORS.items():
        row = next(line for line in found["operators"].splitlines() if f"| `{vtype}` |" in line)
        assert all(f"`{op}`" in row for op in ops)
    for a in catalog.ACTIONS.values():
        assert all(f"`{p.name}`: {p.type}" in found["actions"] for p in a.params)
    assert all(f"| `{k}` |" in found["reward_kinds"] for k in REWARD_KINDS)


def test_widget_settings_are_current_and_complete():
    import widgets

    block = blocks(doc("widgets.md"))["widget_settings"]
    assert block == settings_tables(), "docs/widgets.md is stale: run scripts/generate_docs.py"
    for widget in widgets.enabled([]):
        section = block.split(f"### `{widget.type}`", 1)[1].split("\n### ", 1)[0]
        for field in widget.form_fields():
            assert f"| `{field['name']}` |" in section, (widget.type, field["name"])


def test_replace_blocks_rewrites_only_the_marked_text():
    text = "a\n<!-- generated: x (tool) -->\nold\n<!-- end generated -->\nb\n"
    assert replace_blocks(text, {"x": "new\n"}) == text.replace("old", "new")
    with pytest.raises(KeyError):
        replace_blocks(text, {})


def test_the_generator_script_reports_nothing_stale():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_docs.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


_RAISED = (
    re.compile(r"\(\s*(?:status=)?[1-5]\d\d,\s*(?:code=)?\"([a-z_]+)\"", re.S),  # (409, "code"
    re.compile(r"\bcode=\"([a-z_]+)\""),
)


def codes_in_source() -> set[str]:
    found = set(GENERIC_CODES.values())
    for package in ("core", "runtime", "builder"):
        for path in (ROOT / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for pattern in _RAISED:
                found.update(pattern.findall(source))
    return found


def test_the_api_doc_lists_every_error_code():
    errors = doc("api.md").split("## Errors", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([a-z_]+)`", errors))
    codes = codes_in_source()
    assert {"bad_request", "no_chances", "self_referral", "conflict"} <= codes  # the scan works
    assert codes - listed == set()
