import pytest

from core.config import ConfigError, load_config

BASE = {"SECRET_KEY": "x" * 40, "STUDIO_INSTANCE_PATH": "/tmp/studio-config-test"}


def config(**env):
    return load_config({**BASE, **env})


def test_defaults_use_embedded_services():
    settings = config()
    assert settings["SQLALCHEMY_DATABASE_URI"] == "sqlite:////tmp/studio-config-test/studio.db"
    assert settings["REDIS_URL"] is None
    assert settings["STUDIO_PORT"] == 5000
    assert settings["STUDIO_TIMEZONE"] == "Asia/Shanghai"


def test_request_and_token_limits_have_safe_defaults():
    settings = config()
    assert settings["TOKEN_MAX_LIFETIME_SECONDS"] == 30 * 86400
    assert settings["API_MAX_CONTENT_LENGTH"] == 64 * 1024
    assert settings["MAX_CONTENT_LENGTH"] == 8 * 1024 * 1024
    assert config(API_MAX_CONTENT_LENGTH="131072")["API_MAX_CONTENT_LENGTH"] == 131072


def test_postgres_url_gets_the_psycopg_driver():
    settings = config(DATABASE_URL="postgresql://u:p@db.example/studio")
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example/studio"


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql+psycopg://u@/"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://localhost"}, "REDIS_URL"),
        ({"REDIS_URL": "redis://localhost:notaport"}, "REDIS_URL"),
        ({"STUDIO_PORT": "eighty"}, "STUDIO_PORT"),
        ({"STUDIO_PORT": "70000"}, "STUDIO_PORT"),
        ({"STUDIO_TIMEZONE": "Mars/Olympus"}, "STUDIO_TIMEZONE"),
        ({"STUDIO_DEMO": "maybe"}, "STUDIO_DEMO"),
        ({"STUDIO_ENV": "staging"}, "STUDIO_ENV"),
        ({"RUNTIME_RATE_LIMIT_PARTICIPANT": "lots"}, "RUNTIME_RATE_LIMIT_PARTICIPANT"),
        ({"TOKEN_MAX_LIFETIME_SECONDS": "forever"}, "TOKEN_MAX_LIFETIME_SECONDS"),
        ({"TOKEN_MAX_LIFETIME_SECONDS": "253402300799"}, "TOKEN_MAX_LIFETIME_SECONDS"),
        ({"API_MAX_CONTENT_LENGTH": "64k"}, "API_MAX_CONTENT_LENGTH"),
        ({"MAX_CONTENT_LENGTH": "0"}, "MAX_CONTENT_LENGTH"),
        ({"STUDIO_ENV": "production", "SECRET_KEY": ""}, "SECRET_KEY"),
        ({"STUDIO_ENV": "production", "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"STUDIO_TRUSTED_PROXIES": "yes"}, "STUDIO_TRUSTED_PROXIES"),
        ({"STUDIO_TRUSTED_PROXIES": "-1"}, "STUDIO_TRUSTED_PROXIES"),
        ({"STUDIO_TRUSTED_PROXIES": "1.5"}, "STUDIO_TRUSTED_PROXIES"),
        ({"STUDIO_TRUSTED_PROXIES": "9"}, "STUDIO_TRUSTED_PROXIES"),
        ({"STUDIO_LOGIN_LIMIT_ACCOUNT": "many"}, "STUDIO_LOGIN_LIMIT_ACCOUNT"),
        ({"STAFF_POINTS_MAX_ENTRY": "0"}, "STAFF_POINTS_MAX_ENTRY"),
        (
            {"STAFF_POINTS_MAX_ENTRY": "100", "STAFF_POINTS_APPROVAL_THRESHOLD": "500"},
            "STAFF_POINTS_APPROVAL_THRESHOLD",
        ),
    ],
)
def test_junk_is_rejected_with_the_variable_named(env, fragment):
    with pytest.raises(ConfigError) as excinfo:
        config(**env)
    message = str(excinfo.value)
    assert message.startswith(fragment)
    assert "\n" not in message


def test_secret_key_is_generated_once_for_local_use(tmp_path):
    env = {"STUDIO_INSTANCE_PATH": str(tmp_path)}
    first = load_config(env)["SECRET_KEY"]
    second = load_config(env)["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_security_defaults():
    settings = config()
    assert settings["STUDIO_TRUSTED_PROXIES"] == 0
    assert settings["SESSION_COOKIE_SECURE"] is False  # local http://127.0.0.1 must work
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax" and settings["SESSION_COOKIE_HTTPONLY"]
    assert config(STUDIO_TRUSTED_PROXIES=" 2 ")["STUDIO_TRUSTED_PROXIES"] == 2


def test_production_cookies_are_secure():
    settings = config(STUDIO_ENV="production")
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True
