"""`studio campaign import/validate` on bad bundle files: one line, status 1, nothing saved."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.cli import cli, register_commands
from core.models import AuditEntry, Campaign, CampaignVersion, Prize
from tests.factories import make_hq
from tests.runtime.conftest import base_bundle

STUDIO = str(Path(sys.executable).parent / "studio")


@pytest.fixture
def studio(runner):
    group = register_commands(cli)
    return lambda *args: runner.invoke(group, list(args))


def write(tmp_path: Path, bundle_or_text, name: str = "bundle.json") -> str:
    path = tmp_path / name
    text = bundle_or_text if isinstance(bundle_or_text, str) else json.dumps(bundle_or_text)
    path.write_text(text, "utf-8")
    return str(path)


def saved(db) -> tuple[int, int, int]:
    """(campaigns, versions, prizes) in the database."""
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Campaign, CampaignVersion, Prize)
    )


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def huge_stock() -> dict:
    bundle = base_bundle()
    bundle["prizes"][0]["stock"] = 10**19
    return bundle


def test_stock_beyond_the_database_is_refused_and_nothing_is_saved(studio, db, tmp_path):
    make_hq()
    result = studio("campaign", "import", write(tmp_path, huge_stock()), "--publish")
    assert result.exit_code == 1
    line = one_line(result)
    assert "prizes[0].stock" in line and "nothing saved" in line
    assert saved(db) == (0, 0, 0)


def test_infinite_weight_never_reaches_the_ledger(studio, db, tmp_path):
    make_hq()
    text = json.dumps(base_bundle()).replace('"weight": 1,', '"weight": Infinity,', 1)
    assert "Infinity" in text
    result = studio("campaign", "import", write(tmp_path, text), "--publish")
    assert result.exit_code == 1
    assert "Infinity is not a JSON number" in one_line(result)
    assert saved(db) == (0, 0, 0)


def test_deep_nesting_is_one_line_not_a_recursion_error(studio, db, tmp_path):
    text = '{"widget": {"config": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    for command in ("validate", "import"):
        result = studio("campaign", command, write(tmp_path, text))
        assert result.exit_code == 1
        assert "Nested deeper than 32 levels" in one_line(result)
    assert saved(db) == (0, 0, 0)


def test_duplicate_keys_are_refused_with_their_path(studio, db, tmp_path):
    text = json.dumps(base_bundle()).replace('"stock": 10,', '"stock": 10, "stock": 1000000,', 1)
    result = studio("campaign", "validate", write(tmp_path, text))
    assert result.exit_code == 1
    assert "prizes[0]: The key 'stock' appears twice" in one_line(result)


def test_control_characters_in_names_are_listed_by_validate(studio, tmp_path):
    bundle = base_bundle(name="活动\u202egpj.exe")
    bundle["prizes"][0]["name"] = "iPhone\x1b[2J"
    result = studio("campaign", "validate", write(tmp_path, bundle))
    assert result.exit_code == 1
    assert "2 problem(s); first:" in result.stderr
    assert "  name: Must not contain U+202E" in result.stderr
    assert "  prizes[0].name: Must not contain U+001B" in result.stderr
    bundle["prizes"][0]["name"] = "iPhone\x00"  # no database stores NUL: the reader refuses it
    result = studio("campaign", "validate", write(tmp_path, bundle))
    assert result.exit_code == 1
    assert "prizes[0].name: Text may not contain U+0000" in one_line(result)


def test_a_failed_publication_leaves_no_draft(studio, db, tmp_path, monkeypatch):
    """Fault injection: the database fails while version 1 is written. Before, the draft was
    committed first and stayed behind; now the import is one transaction."""
    from sqlalchemy.exc import OperationalError

    import runtime.publishing as publishing

    make_hq()
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))

    def failing_sync(campaign, bundle):
        raise OperationalError("INSERT INTO prizes", {}, Exception("disk I/O error"))

    monkeypatch.setattr(publishing, "_sync_prizes", failing_sync)
    result = studio("campaign", "import", write(tmp_path, base_bundle()), "--publish")
    assert result.exit_code == 1
    assert "the database refused the import, nothing saved: disk I/O error" in one_line(result)
    db.session.rollback()
    assert saved(db) == (0, 0, 0)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_a_good_bundle_still_imports_and_publishes(studio, db, tmp_path):
    make_hq()
    result = studio("campaign", "import", write(tmp_path, base_bundle()), "--publish")
    assert result.exit_code == 0, result.output
    assert "published as version 1" in result.output
    assert saved(db) == (1, 1, 2)


def test_the_console_script_prints_one_line_for_a_huge_stock(tmp_path, app_config, db):
    """The real `studio` process: no traceback reaches the terminal."""
    make_hq()
    db.session.commit()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app_config["REDIS_URL"],
        STUDIO_INSTANCE_PATH=app_config["INSTANCE_PATH"],
    )
    bundle = copy.deepcopy(huge_stock())
    result = subprocess.run(
        [STUDIO, "campaign", "import", write(tmp_path, bundle), "--publish"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.strip().splitlines() if "core.redis_server" not in line]
    assert len(lines) == 1 and "prizes[0].stock: Must be at most 100,000,000." in lines[0]
    assert "Traceback" not in result.stderr
    db.session.rollback()
    assert saved(db) == (0, 0, 0)
