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
            "checks": {"database": "ok", "redis": "ok", "migrations": "ok"},
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
