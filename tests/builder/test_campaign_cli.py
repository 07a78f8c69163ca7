"""`studio campaign validate` and `import` check a bundle as saving does: rules, the widget's
settings, and the managed rules those settings generate."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from core.cli import cli, register_commands
from core.models import Campaign
from rules.templates import list_templates, load_template
from tests.factories import make_hq


@pytest.fixture
def studio(runner):
    group = register_commands(cli)
    return lambda *args: runner.invoke(group, list(args))


def write(tmp_path, bundle: dict) -> str:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), "utf-8")
    return str(path)


@pytest.mark.parametrize("name", list_templates())
def test_every_seed_template_validates(studio, tmp_path, name):
    result = studio("campaign", "validate", write(tmp_path, load_template(name)))
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(": valid")


def test_validate_lists_a_managed_rule_that_disagrees_with_its_setting(studio, tmp_path):
    bundle = load_template("qingdao_checkin")
    bundle["widget"]["config"]["bonus_points"] = 2000
    result = studio("campaign", "validate", write(tmp_path, bundle))
    assert result.exit_code == 1
    assert "1 problem(s)" in result.output
    assert "rules[1]: Rule 'bonus-day' disagrees with the widget settings" in result.output
    assert "'Bonus-day points' = 2000" in result.output and "Traceback" not in result.output


def test_validate_lists_a_bad_widget_setting(studio, tmp_path):
    bundle = load_template("qingdao_checkin")
    bundle["widget"]["config"]["bonus_points"] = -5
    result = studio("campaign", "validate", write(tmp_path, bundle))
    assert result.exit_code == 1 and "widget.config.bonus_points:" in result.output


def test_import_refuses_it_and_writes_nothing(studio, tmp_path, db):
    make_hq()
    bundle = load_template("hengfeng_mgm")
    bundle["widget"]["config"]["goal"] = 3
    result = studio("campaign", "import", write(tmp_path, bundle))
    assert result.exit_code == 1
    assert "refused, nothing saved: rules[1]:" in result.output
    assert db.session.scalar(select(func.count(Campaign.id))) == 0
