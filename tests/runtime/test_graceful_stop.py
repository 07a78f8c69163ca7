"""Stopping the web tier under draw load: the draws in flight finish, and Redis and the SQL
ledger agree afterwards without a reconcile (issue 16).

A draw takes its chance and stock in Redis before its ledger row commits; a web server that
stops mid-request (or that Ctrl-C reaches directly, with Redis) left chances and stock taken
in Redis with no draw in SQL until the 10-minute reconcile repaired them. Real `studio up`
process tree, real load.
"""

from __future__ import annotations

import signal
import threading
import time
from dataclasses import dataclass, field

import psutil
import pytest
import requests
from sqlalchemy import func, select

from core.models import ChanceEntry, Draw, Prize
from core.redis_server import EmbeddedRedis
from runtime import hotstate
from tests.core.studio_up import StudioUp
from tests.runtime.conftest import auth
from tests.runtime.test_faults import SLUG, STOCK, launch, prepare, up_redis, wait_until

pytestmark = pytest.mark.slow


@dataclass
class Answers:
    """Draws sent back to back by a few threads; each answer with its send and answer times."""

    base: str
    tokens: list[str]
    threads: int = 8
    stop: threading.Event = field(default_factory=threading.Event)
    seen: list[tuple[float, float, int, dict]] = field(default_factory=list)
    dropped: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, index: int) -> None:
        session = requests.Session()
        url = f"{self.base}/api/v1/campaigns/{SLUG}/draw"
        sent_count = 0
        while not self.stop.is_set():
            tok = self.tokens[(index * 7 + sent_count) % len(self.tokens)]
            sent_count += 1
            sent = time.monotonic()
            try:
                response = session.post(url, headers=auth(tok), json={}, timeout=30)
            except requests.RequestException:
                with self._lock:
                    self.dropped += 1
                time.sleep(0.05)
                continue
            with self._lock:
                self.seen.append((sent, time.monotonic(), response.status_code, response.json()))

    def start(self) -> list[threading.Thread]:
        workers = [threading.Thread(target=self.run, args=(n,)) for n in range(self.threads)]
        for worker in workers:
            worker.start()
        return workers

    def oks(self) -> int:
        with self._lock:
            return sum(1 for _, _, status, _ in self.seen if status == 200)


def web_server(up: StudioUp) -> psutil.Process:
    """The web tier: the supervisor's child serving wsgi (the server's master process)."""
    for proc in up.tree():
        try:
            if proc.ppid() == up.process.pid and "wsgi" in " ".join(proc.cmdline()):
                return proc
        except psutil.Error:
            continue
    raise AssertionError("no web server under studio up")


def agreement(db, conn, cid: int) -> list[str]:
    """Every way Redis and the ledger could disagree after an interrupted draw."""
    db.session.expire_all()
    problems = []
    drawn = dict(
        db.session.execute(
            select(Draw.participant_id, func.count(Draw.id)).group_by(Draw.participant_id)
        ).all()
    )
    granted = dict(
        db.session.execute(
            select(ChanceEntry.participant_id, func.sum(ChanceEntry.delta))
            .where(ChanceEntry.reason != "draw")
            .group_by(ChanceEntry.participant_id)
        ).all()
    )
    for pid, grants in granted.items():
        person = conn.hgetall(hotstate.person_key(cid, pid))
        if int(person.get("d") or 0) != drawn.get(pid, 0):
            problems.append(f"person {pid}: Redis {person.get('d')} draws, SQL {drawn.get(pid)}")
        if int(person.get("ch:gold") or 0) != grants - drawn.get(pid, 0):
            problems.append(f"person {pid}: Redis {person.get('ch:gold')} chances left")
    issued = db.session.scalar(select(Prize.issued).where(Prize.key == "gift"))
    left = int(conn.hget(hotstate.stock_key(cid), "gift") or 0)
    if left + issued != STOCK:
        problems.append(f"stock: Redis {left} + issued {issued} != {STOCK}")
    if flying := conn.zcard(hotstate.flights_key(cid)):
        problems.append(f"{flying} flights still in the air")
    db.session.commit()
    return problems


def check_answers(db, load: Answers, signalled: float) -> list[tuple]:
    finished = [s for s in load.seen if s[0] < signalled < s[1] and s[2] == 200]
    assert finished, "no draw was in flight when the server was told to stop"
    answered = {body["draw_id"] for _, _, status, body in load.seen if status == 200}
    ledger = set(db.session.scalars(select(Draw.id)))
    db.session.commit()
    assert answered <= ledger
    assert {status for _, _, status, _ in load.seen} <= {200, 503}, load.seen[-5:]
    return finished


@pytest.mark.parametrize("server", ["gunicorn", "granian"])
@pytest.mark.parametrize("stop", ["sigterm_web", "ctrl_c"])
def test_stopping_the_web_tier_under_load_loses_no_draw(
    app, db, token, tmp_path, database_url, stop, server
):
    """SIGTERM to the web server (a process manager stopping it), or Ctrl-C in the terminal
    running `studio up` (SIGINT to its whole foreground process group, which gunicorn takes
    as "quit now", and Redis...)."""
    cid, tokens = prepare(db, token, people=20)
    up = launch(
        tmp_path, database_url, tokens, own_group=stop == "ctrl_c", STUDIO_WEB_SERVER=server
    )
    load = Answers(up.base, tokens)
    workers = []
    try:
        workers = load.start()
        wait_until(lambda: load.oks() >= 100, 60, "the draw load did not start")
        server = web_server(up)
        signalled = time.monotonic()
        if stop == "ctrl_c":
            up.interrupt()
            up.process.wait(60)
        else:
            server.send_signal(signal.SIGTERM)
            server.wait(60)
        stopped = time.monotonic()
        load.stop.set()
        for worker in workers:
            worker.join(60)
        if stop == "ctrl_c":  # everything stopped: start its Redis again (AOF) to look
            redis_server = EmbeddedRedis(up.instance / "redis")
            redis_server.start()
            try:
                assert agreement(db, up_redis(up), cid) == []
            finally:
                redis_server.stop()
        else:
            assert agreement(db, up_redis(up), cid) == []
        finished = check_answers(db, load, signalled)
        print(
            f"\n{len(load.seen)} answers ({len(finished)} in flight at SIGTERM finished), "
            f"{load.dropped} refused connections; the server stopped in "
            f"{stopped - signalled:.1f} s"
        )
    finally:
        load.stop.set()
        for worker in workers:
            worker.join(60)
        up.stop()
