"""`studio branch create`: the head office of an empty database without the demo, then
branches with coordinates that "nearby branches" finds; bad input gets one line and exit 1.
Also `studio channel rotate` and the default role of `studio user create`."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.cli import cli, register_commands
from core.models import AuditEntry, Branch, Channel, User
from tests.core.test_cli import run_studio
from tests.factories import make_token
from tests.runtime.conftest import auth, base_bundle, publish


@pytest.fixture
def studio(runner):
    group = register_commands(cli)
    return lambda *args: runner.invoke(group, list(args))


def test_head_office_then_branches_on_an_empty_database(studio, db, client):
    made = studio(
        "branch",
        "create",
        "HQ",
        "--name",
        "总行",
        "--hq",
        "--lat",
        "31.23",
        "--lon",
        "121.47",
        "--approval-levels",
        "3",
    )
    assert made.exit_code == 0, made.output
    assert made.output.strip() == "created hq HQ 总行 at 31.23, 121.47"
    assert (
        studio(
            "branch",
            "create",
            "SH001",
            "--name",
            "上海分行",
            "--parent",
            "HQ",
            "--lat",
            "31.2397",
            "--lon",
            "121.4998",
        ).exit_code
        == 0
    )
    assert (
        studio(
            "branch",
            "create",
            "SH001-01",
            "--name",
            "陆家嘴支行",
            "--parent",
            "SH001",
            "--lat",
            "31.2354",
            "--lon",
            "121.5055",
            "--city",
            "上海",
        ).exit_code
        == 0
    )
    assert (
        studio(
            "branch", "create", "SH001-02", "--name", "无坐标支行", "--parent", "SH001"
        ).exit_code
        == 0
    )

    levels = dict(db.session.execute(select(Branch.code, Branch.level)).all())
    assert levels == {
        "HQ": "hq",
        "SH001": "branch",
        "SH001-01": "sub_branch",
        "SH001-02": "sub_branch",
    }
    nearby = client.get("/api/v1/branches/nearby?lat=31.2355&lon=121.5056&limit=3").get_json()
    assert [b["code"] for b in nearby["branches"]] == ["SH001-01", "SH001", "HQ"]
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("branch.create") == 4

    # with a head office, staff can be created (least privileged unless told otherwise)
    first = studio("user", "create", "lina", "--password", "password-123")
    assert first.exit_code == 0, first.output
    assert db.session.scalar(select(User.role).where(User.username == "lina")) == "auditor"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["X1", "--name", "x", "--hq"], "--hq: the head office exists already (HQ)"),
        (["X1", "--name", "x"], "--parent: give the parent's code"),
        (["X1", "--name", "x", "--parent", "NOPE"], "--parent: no branch with code 'NOPE'"),
        (["X1", "--name", "x", "--parent", "HQ", "--lat", "31"], "--lon: give both"),
        (["X1", "--name", "x", "--parent", "HQ", "--lon", "121"], "--lat: give both"),
        (["X1", "--name", "x", "--parent", "HQ", "--lat", "95", "--lon", "1"], "--lat: 95.0"),
        (["X1", "--name", "x", "--parent", "HQ", "--lat", "1", "--lon", "190"], "--lon: 190.0"),
        (["HQ", "--name", "x", "--parent", "HQ"], "CODE: a branch 'HQ' already exists"),
        (["bad code", "--name", "x", "--parent", "HQ"], "CODE: 1-32 letters"),
        (["X1", "--name", "", "--parent", "HQ"], "--name: 1-120 characters"),
        (
            ["X1", "--name", "x", "--parent", "HQ", "--approval-levels", "0"],
            "--approval-levels: 1 to 5",
        ),
        (["X1", "--name", "x", "--hq", "--parent", "HQ"], "--parent: the head office has no"),
    ],
)
def test_bad_branches_get_one_line_and_write_nothing(studio, db, args, message):
    studio("branch", "create", "HQ", "--name", "总行", "--hq")
    result = studio("branch", "create", *args)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: {result.output.strip()[7:]}"]
    assert message in result.output
    assert db.session.scalar(select(func.count(Branch.id))) == 1


def test_the_console_script_sets_up_an_empty_database(tmp_path, redis_url, app_config):
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        pytest.skip("runs against its own SQLite file; the in-process tests cover PostgreSQL")
    env = {
        "STUDIO_INSTANCE_PATH": str(tmp_path),
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
    }
    assert run_studio("db", "upgrade", env_overrides=env).returncode == 0
    no_hq = run_studio("user", "create", "admin", "--role", "admin", env_overrides=env)
    assert no_hq.returncode != 0 and "studio branch create" in no_hq.stderr
    hq = run_studio(
        "branch",
        "create",
        "HQ",
        "--name",
        "总行",
        "--hq",
        "--lat",
        "31.23",
        "--lon",
        "121.47",
        env_overrides=env,
    )
    assert hq.returncode == 0, hq.stderr
    admin = run_studio(
        "user",
        "create",
        "admin",
        "--role",
        "admin",
        "--password",
        "password-123",
        env_overrides=env,
    )
    assert admin.returncode == 0 and "created admin admin at branch HQ" in admin.stdout
    again = run_studio("branch", "create", "HQ2", "--name", "第二总行", "--hq", env_overrides=env)
    assert again.returncode == 1
    assert again.stderr.strip() == "Error: --hq: the head office exists already (HQ)"
    assert "Traceback" not in again.stderr


def test_channel_rotate_prints_a_new_secret_and_old_tokens_stop(studio, db, client):
    publish(base_bundle("rotate-cli"))
    studio("channel", "create", "wechat")
    channel = db.session.scalar(select(Channel).where(Channel.name == "wechat"))
    old = make_token(channel, "c-1")
    db.session.commit()
    assert client.get("/api/v1/campaigns/rotate-cli/me", headers=auth(old)).status_code == 200

    result = studio("channel", "rotate", "wechat")
    assert result.exit_code == 0, result.output
    from runtime.loader import cache

    cache().channels.clear()  # another process: its cache has expired (CHANNEL_CACHE_SECONDS)
    db.session.expire_all()
    channel = db.session.get(Channel, channel.id)
    new = make_token(channel, "c-1")
    db.session.commit()
    assert client.get("/api/v1/campaigns/rotate-cli/me", headers=auth(old)).status_code == 401
    assert client.get("/api/v1/campaigns/rotate-cli/me", headers=auth(new)).status_code == 200
    assert "secret:" in result.output
    assert studio("channel", "rotate", "nope").exit_code == 1
