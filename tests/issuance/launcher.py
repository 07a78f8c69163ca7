"""Issuance loop processes for the crash tests, forked from a preloaded fork server.

Each loop is a real OS process with its own database connections and Redis clients, running
exactly what `python -m runtime.issuance loop` runs; only the interpreter start and module
imports (about 1.7 CPU-seconds on the 2-core CI machine) are paid once, in the fork server,
instead of on each of the 50 restarts (the same idea as gunicorn's --preload)."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

PRELOAD = [
    "core.extensions",
    "core.models",
    "requests",
    "runtime.issuance.process",
    "runtime.issuance.loop",
    "runtime.issuance.engine",
    "runtime.issuance.issuers.coupon",
    "runtime.issuance.issuers.none",
    "runtime.issuance.issuers.physical",
    "runtime.issuance.issuers.points",
    "runtime.issuance.issuers.red_packet",
    "runtime.issuance.issuers.webhook",
]


def _run_loop(env: dict[str, str], log: str) -> None:
    os.environ.clear()
    os.environ.update(env)
    output = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.dup2(output, 2)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    from runtime.issuance.process import main

    os._exit(main(["loop"]))


class LoopLauncher:
    def __init__(self) -> None:
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(PRELOAD)

    def spawn(self, env: dict[str, str], log: Path) -> multiprocessing.Process:
        process = self.context.Process(target=_run_loop, args=(env, str(log)), daemon=True)
        process.start()
        return process
