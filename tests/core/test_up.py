"""`studio up` with real processes: serves the studio and /readyz, stops every child on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

from tests.conftest import free_port
from tests.core.studio_up import StudioUp

STUDIO = str(Path(sys.executable).parent / "studio")


@pytest.mark.slow
def test_up_serves_and_stops_every_child(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        STUDIO_INSTANCE_PATH=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'up.db'}",
        STUDIO_ENV="development",
    )
    env.pop("SECRET_KEY", None)  # development generates one into the instance folder
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run([STUDIO, *command], env=env, check=True, capture_output=True, timeout=120)
    port = free_port()
    log = open(tmp_path / "up.log", "w+")
    parent = subprocess.Popen(
        [STUDIO, "up", "--port", str(port), "--web-workers", "1", "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline, ready = time.monotonic() + 60, None
        while time.monotonic() < deadline and ready is None:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=10)
                if response.status_code == 200:
                    ready = response.json()
            except requests.RequestException:  # not listening yet, or a worker still booting
                pass
            time.sleep(0.3)
        assert ready == {
            "status": "ok",
            "checks": {"database": "ok", "redis": "ok", "migrations": "ok", "processes": "ok"},
        }
        assert "/studio/login" in requests.get(f"http://127.0.0.1:{port}/studio/", timeout=5).url
        time.sleep(1)
        log.seek(0)
        banner = log.read()
        assert f"http://127.0.0.1:{port}/studio/" in banner
        assert "admin" in banner
        children = psutil.Process(parent.pid).children(recursive=True)
        names = " ".join(" ".join(c.cmdline()) for c in children)
        assert "gunicorn" in names and "worker" in names
        redis_pids = [
            p
            for p in psutil.process_iter(["cmdline"])
            if p.info["cmdline"]
            and "redis-server" in p.info["cmdline"][0]
            and str(tmp_path) in " ".join(p.info["cmdline"])
        ]
        assert redis_pids, "embedded redis-server not running"
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(30) == 0
        gone, alive = psutil.wait_procs(children + redis_pids, timeout=10)
        assert not alive, f"children left running: {alive}"
    finally:
        if parent.poll() is None:
            parent.kill()
        log.close()


@pytest.mark.slow
def test_up_restarts_crashing_children_and_redis_without_orphans_or_outage(tmp_path):
    """kill -9 `studio worker` six times in a row and the embedded Redis once: the web keeps
    answering throughout, no child of a killed worker survives it, the worker is backed off
    and reported crash-looping (never "stopping everything"), and Redis comes back by itself."""
    up = StudioUp(tmp_path / "instance", f"sqlite:///{tmp_path / 'up.db'}", web_workers=1)
    up.studio("db", "upgrade")
    up.start()
    try:
        for kill in range(6):
            (worker,) = up.wait_for("core.cli worker", timeout=40)
            loops = up.wait_for("runtime.issuance loop", timeout=40)
            helpers = up.wait_for("issuance rq", timeout=40) + up.wait_for("issuance cron")
            worker.send_signal(signal.SIGKILL)
            _, orphans = psutil.wait_procs(loops + helpers, timeout=10)
            assert not orphans, f"kill {kill + 1}: children outlived their worker: {orphans}"
            assert requests.get(up.base + "/healthz", timeout=5).status_code == 200
        assert up.process.poll() is None, "the supervisor stopped"
        deadline = time.monotonic() + 10
        while "crash-looping" not in str((up.readyz() or {}).get("checks", {}).get("processes")):
            assert time.monotonic() < deadline, up.readyz()
            time.sleep(0.2)
        assert "keeps exiting" not in up.log.read_text()

        (redis_server,) = up.find("redis-server")
        redis_server.send_signal(signal.SIGKILL)
        redis_server.wait(5)
        killed_at = time.monotonic()
        down = up.readyz()
        assert down is not None and down["checks"]["redis"] == "unreachable"
        up.wait_ready(timeout=15)
        back_after = time.monotonic() - killed_at
        (restarted,) = up.find("redis-server")
        assert restarted.pid != redis_server.pid
        print(f"\nRedis back after {back_after:.1f} s")
    finally:
        up.stop()
