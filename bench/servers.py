"""The WSGI servers bench/draw_load.py compares, each started with one fixed configuration.

gunicorn: gthread, the production settings (`core/gunicorn_conf.py`). granian: its WSGI
interface (a Rust HTTP server calling the app on a pool of Python threads). Both run
`workers` processes x `threads` request threads, with the command line `studio up` uses
(core/web_server.py), so they differ only in the server.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def command(server: str, target: str, port: int, workers: int, threads: int) -> list[str]:
    """The server's command line as `studio up` builds it (core/web_server.py), keep-alive
    connections held as wrk holds them."""
    from core.web_server import argv

    found = argv(server, port, workers, threads, target=target)
    return found + (["--keep-alive", "30"] if server == "gunicorn" else [])


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Served:
    server: str
    target: str
    process: subprocess.Popen
    base: str

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(self.process.pid)

    def stop(self, timeout: float = 30) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(server: str, target: str, env: dict[str, str], workers: int, threads: int) -> Served:
    """Start `target` under `server`; returns once every worker has answered."""
    port = free_port()
    process = subprocess.Popen(command(server, target, port, workers, threads), cwd=REPO, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{server} {target} exited with {process.returncode}")
        try:
            requests.get(base + "/healthz", timeout=5)
            for _ in range(workers * 3):
                requests.get(base + "/healthz", timeout=10)
            return Served(server, target, process, base)
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{server} {target} did not start")


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its descendants (server master and workers)."""
    import psutil

    try:
        root = psutil.Process(pid)
        total = 0.0
        for proc in [root, *root.children(recursive=True)]:
            try:
                times = proc.cpu_times()
            except psutil.Error:
                continue
            total += times.user + times.system
        return total
    except psutil.Error:
        return 0.0
