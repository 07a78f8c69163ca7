"""The `studio` CLI: each command, in-process and as the real console script."""

import os
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from sqlalchemy import func, select

from core.accounts import secret_for
from core.cli import cli, register_commands
from core.models import Branch, Channel, User

STUDIO = str(Path(sys.executable).parent / "studio")


@pytest.fixture
def studio(runner):
    group = register_commands(cli)

    def invoke(*args):
        return runner.invoke(group, list(args))

    return invoke


@pytest.fixture
def demo_loaded(studio):
    result = studio("demo")
    assert result.exit_code == 0, result.output
    return result


def test_demo_is_idempotent(studio, db, demo_loaded):
    counts = [
        db.session.scalar(select(func.count()).select_from(m)) for m in (Branch, User, Channel)
    ]
    again = studio("demo")
    assert again.exit_code == 0
    assert "0 branches, 0 users, 0 channels" in again.output
    assert [
        db.session.scalar(select(func.count()).select_from(m)) for m in (Branch, User, Channel)
    ] == counts
    assert counts[0] >= 5 and counts[1] >= 4
    hq = db.session.scalar(select(Branch).where(Branch.level == "hq"))
    assert hq.latitude is not None and hq.longitude is not None
    roles = set(db.session.scalars(select(User.role)))
    assert {"admin", "marketer", "approver", "auditor"} <= roles


def test_user_create(studio, db, demo_loaded):
    result = studio(
        "user",
        "create",
        "zhangwei",
        "--role",
        "marketer",
        "--branch",
        "SH001",
        "--password",
        "s3cret-pass",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "zhangwei"))
    assert user.role == "marketer" and user.branch.code == "SH001"


def test_user_create_generates_a_password(studio, demo_loaded):
    result = studio("user", "create", "lina", "--role", "auditor")
    assert result.exit_code == 0
    assert "password:" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["user", "create", "x1y2z3", "--role", "wizard"], "role"),
        (["user", "create", "x1y2z3", "--role", "admin", "--branch", "NOPE"], "branch"),
        (
            ["user", "create", "admin", "--role", "admin", "--password", "long-enough"],
            "already exists",
        ),
        (["user", "create", "bad name!", "--role", "admin"], "username"),
        (["user", "create", "x1y2z3", "--role", "admin", "--password", "short"], "password"),
    ],
)
def test_user_create_refuses_bad_input(studio, db, demo_loaded, args, message):
    before = db.session.scalar(select(func.count()).select_from(User))
    result = studio(*args)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_channel_create_prints_a_secret_that_signs_tokens(studio, db):
    result = studio("channel", "create", "wechat")
    assert result.exit_code == 0, result.output
    lines = dict(line.split(":", 1) for line in result.output.strip().splitlines())
    channel = db.session.scalar(select(Channel).where(Channel.name == "wechat"))
    assert lines["key"].strip() == channel.key
    assert lines["secret"].strip() == secret_for(channel)
    assert lines["secret"].strip() not in (channel.secret_hash, channel.secret_nonce)
    assert studio("channel", "create", "wechat").exit_code != 0


def test_token_is_a_channel_signed_jwt(studio, db):
    studio("channel", "create", "app")
    result = studio(
        "token",
        "--channel",
        "app",
        "--participant",
        "c-42",
        "--attr",
        "tags=vip,new",
        "--attr",
        "age=35",
        "--attr",
        "city=青岛",
        "--ttl",
        "600",
    )
    assert result.exit_code == 0, result.output
    channel = db.session.scalar(select(Channel).where(Channel.name == "app"))
    claims = jwt.decode(result.output.strip(), secret_for(channel), algorithms=["HS256"])
    assert claims["iss"] == channel.key and claims["sub"] == "c-42"
    assert claims["attrs"] == {"tags": ["vip", "new"], "age": 35, "city": "青岛"}
    assert claims["exp"] - claims["iat"] == 600


@pytest.mark.parametrize(
    "args",
    [
        ["token", "--channel", "nope", "--participant", "p"],
        ["token", "--channel", "app", "--participant", "p", "--ttl", "0"],
        ["token", "--channel", "app", "--participant", "p", "--attr", "noequals"],
    ],
)
def test_token_refuses_bad_input(studio, db, args):
    studio("channel", "create", "app")
    result = studio(*args)
    assert result.exit_code != 0


def run_studio(*args, env_overrides=None, timeout=60):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(env_overrides or {})
    return subprocess.run([STUDIO, *args], env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"DATABASE_URL": "definitely not a url"}, "DATABASE_URL"),
        ({"REDIS_URL": "redis://127.0.0.1:1/0"}, "REDIS_URL"),
        ({"STUDIO_ENV": "production", "SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}, "DATABASE_URL"),
    ],
)
def test_bad_configuration_stops_with_one_line(tmp_path, redis_url, overrides, fragment):
    env = {"STUDIO_INSTANCE_PATH": str(tmp_path), "REDIS_URL": redis_url, **overrides}
    result = run_studio("demo", env_overrides=env)
    assert result.returncode != 0
    lines = [line for line in result.stderr.strip().splitlines() if "core.redis_server" not in line]
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_db_upgrade_on_a_fresh_database(tmp_path, redis_url, app_config):
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        pytest.skip("the PostgreSQL upgrade is covered by test_migrations on the PostgreSQL leg")
    env = {"STUDIO_INSTANCE_PATH": str(tmp_path), "REDIS_URL": redis_url, "DATABASE_URL": url}
    result = run_studio("db", "upgrade", env_overrides=env)
    assert result.returncode == 0, result.stderr
    again = run_studio("db", "upgrade", env_overrides=env)
    assert again.returncode == 0
    demo = run_studio("demo", env_overrides=env)
    assert demo.returncode == 0 and "demo loaded" in demo.stdout


def test_campaign_simulate_reports_exactly_the_draws_asked_for(studio, demo_loaded):
    """Seed 001's dig: 1,000 draws reported as 1,000 (not people x starting chances), and the
    consolation badge appears because simulated people dig past their three guaranteed digs."""
    result = studio("campaign", "simulate", "icbc-treasure-dig", "--draws", "1000")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("draws: 1000 ")
    badge = next(line for line in result.output.splitlines() if "epay_badge" in line)
    assert int(badge.split()[1]) > 0
    unknown = studio("campaign", "simulate", "no-such-campaign")
    assert unknown.exit_code != 0 and "no campaign" in unknown.output
