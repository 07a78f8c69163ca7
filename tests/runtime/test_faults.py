"""Faults under a steady draw load, with the real process tree of `studio up` (embedded Redis,
gunicorn, the issuance loop, an RQ worker, cron):

* kill -9 Redis, an RQ worker, the issuance loop and a web worker, each several times: the API
  keeps answering (503 while Redis is away, never 500), everything comes back by itself within
  seconds, and every acknowledged win is in the ledger and issued exactly once;
* reconcile every second during the load: the stock invariant (Redis stock + issued ==
  initial) holds at the end, and no draw answered 500.
"""

from __future__ import annotations

import random
import signal
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import psutil
import pytest
import redis as redis_lib
import requests
from rq import Queue
from sqlalchemy import func, select

from core.models import Draw, PointsEntry, Prize, Reward
from core.redis_server import EmbeddedRedis
from runtime import hotstate
from tests.conftest import TEST_SECRET_KEY
from tests.core.studio_up import StudioUp
from tests.runtime.conftest import auth, base_bundle, publish

pytestmark = pytest.mark.slow
SLUG = "test-draw"
STOCK = 150
PRIZES = [
    {
        "key": "gift",
        "name": "积分礼",
        "weight": 1,
        "stock": STOCK,
        "reward": {"kind": "points", "amount": 5},
    },
    {"key": "thanks", "name": "谢谢", "weight": 1, "fallback": True, "reward": {"kind": "none"}},
]
UNLIMITED = {
    "RUNTIME_RATE_LIMIT_IP": "1000000/minute",
    "RUNTIME_RATE_LIMIT_PARTICIPANT": "1000000/minute",
}


@dataclass
class Load:
    """Draw threads that retry a draw (same Idempotency-Key) after a 503 or a dropped
    connection, so each attempt ends with one final answer; every answer seen is kept."""

    base: str
    tokens: list[str]
    threads: int = 6
    seen: Counter = field(default_factory=Counter)
    finals: list[tuple[int, dict]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    last_ok: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, answered 200
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> list[threading.Thread]:
        workers = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(self.threads)
        ]
        for worker in workers:
            worker.start()
        self.workers = workers
        return workers

    def _draw(self, session: requests.Session, tok: str) -> tuple[int, dict] | None:
        headers = auth(tok, uuid.uuid4().hex)
        url = f"{self.base}/api/v1/campaigns/{SLUG}/draw"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                sent = time.monotonic()
                response = session.post(url, headers=headers, json={}, timeout=30)
            except requests.RequestException:
                with self._lock:
                    self.seen["dropped"] += 1
                time.sleep(0.2)
                continue
            with self._lock:
                self.seen[response.status_code] += 1
            if response.status_code == 503:
                time.sleep(0.2)
                continue
            body = response.json()
            if response.status_code == 200:
                self.last_ok = time.monotonic()
                with self._lock:
                    self.latencies.append(self.last_ok - sent)
            return response.status_code, body
        return None

    def _run(self, index: int) -> None:
        session = requests.Session()
        rng = random.Random(index)
        while not self.stop.is_set():
            final = self._draw(session, rng.choice(self.tokens))
            if final is not None:
                with self._lock:
                    self.finals.append(final)

    def p95_ms(self) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0

    def finish(self) -> None:
        self.stop.set()
        for worker in self.workers:
            worker.join(60)


def prepare(db, token, people: int) -> tuple[int, list[str]]:
    chances = {"kinds": [{"key": "gold", "name": "金", "initial": 500}], "default_kind": "gold"}
    cid = publish(base_bundle(prizes=PRIZES, chances=chances)).id
    tokens = [token(f"p{n}") for n in range(people)]
    db.session.commit()
    return cid, tokens


def launch(
    tmp_path, database_url: str, tokens: list[str], own_group: bool = False, **env: str
) -> StudioUp:
    # the test's key: channel secrets in the database are sealed with it
    up = StudioUp(
        tmp_path / "up",
        database_url,
        web_workers=2,
        SECRET_KEY=TEST_SECRET_KEY,
        **UNLIMITED,
        **env,
    )
    up.start(own_group=own_group)
    up.studio("reconcile", SLUG)  # prime stock in this Redis (the campaign was published before)
    session = requests.Session()
    for tok in tokens:
        for attempt in range(50):
            try:
                answer = session.post(
                    f"{up.base}/api/v1/campaigns/{SLUG}/join",
                    headers=auth(tok),
                    json={},
                    timeout=30,
                )
                break
            except requests.ConnectionError:  # seen once on the shared 2-core machine
                assert attempt < 49, up.log.read_text()[-3000:]
                time.sleep(0.2)
        assert answer.status_code == 200, answer.text
    return up


def up_redis(up: StudioUp) -> redis_lib.Redis:
    return redis_lib.Redis.from_url(EmbeddedRedis(up.instance / "redis").url, decode_responses=True)


def wait_until(condition, timeout: float, message: str) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, message
        time.sleep(0.1)
    return time.monotonic() - started


def kill_one(up: StudioUp, *words: str) -> int:
    """SIGKILL the process (it must be back from its last kill first: up to 30 s); of an RQ
    worker and the work horse it forked for a job (same command line), the worker."""
    deadline = time.monotonic() + 30
    while True:
        found = up.find(*words)
        pids = {p.pid for p in found}
        tops = [p for p in found if p.ppid() not in pids]
        if tops:
            break
        assert time.monotonic() < deadline, f"nothing to kill: {words}"
        time.sleep(0.1)
    victim = tops[0]
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    return victim.pid


def web_workers(up: StudioUp) -> list[psutil.Process]:
    masters = [p for p in up.find("gunicorn") if p.ppid() == up.process.pid]
    return [c for m in masters for c in m.children()] if masters else []


def wins_issued_once(db, finals: list[tuple[int, dict]]) -> int:
    """Every acknowledged win is a committed won Draw whose reward was issued exactly once."""
    won = {
        body["draw_id"]
        for status, body in finals
        if status == 200 and body["won"] and not body["consolation"]
    }
    db.session.expire_all()
    rows = dict(
        db.session.execute(
            select(Draw.id, Reward.id).join(Reward, Reward.draw_id == Draw.id).where(Draw.won)
        ).all()
    )
    assert won <= set(rows), f"acknowledged wins missing from the ledger: {won - set(rows)}"
    statuses = Counter(db.session.scalars(select(Reward.status).where(Reward.kind == "points")))
    assert set(statuses) == {"issued"}, statuses
    credits = Counter(
        db.session.scalars(select(PointsEntry.reward_id).where(PointsEntry.reward_id.is_not(None)))
    )
    assert set(credits) == set(rows.values()) and set(credits.values()) == {1}
    issued = db.session.scalar(select(Prize.issued).where(Prize.key == "gift"))
    ledger_wins = db.session.scalar(select(func.count(Draw.id)).where(Draw.prize_key == "gift"))
    db.session.commit()
    assert issued == ledger_wins == len(rows) <= STOCK
    return len(won)


def test_kill_9_everything_under_draw_load(app, db, token, tmp_path, database_url):
    cid, tokens = prepare(db, token, people=30)
    up = launch(tmp_path, database_url, tokens)
    load = Load(up.base, tokens)
    recoveries: list[float] = []
    try:
        load.start()
        wait_until(lambda: load.last_ok, 20, "no draw succeeded")
        for _round in range(3):
            kill_one(up, "redis-server")
            killed = time.monotonic()
            recoveries.append(
                wait_until(lambda k=killed: load.last_ok > k, 20, "draws did not come back")
            )
            kill_one(up, "issuance", "rq", "--queue", "default")
            time.sleep(0.5)
            kill_one(up, "runtime.issuance", "loop")
            time.sleep(0.5)
            wait_until(lambda: len(web_workers(up)) == 2, 30, "gunicorn did not replace a worker")
            web_workers(up)[0].send_signal(signal.SIGKILL)
            time.sleep(1.5)
        load.finish()
        assert load.seen[500] == 0, load.seen
        assert not [f for f in load.finals if f[0] >= 500], Counter(s for s, _ in load.finals)
        assert set(s for s, _ in load.finals) <= {200, 409}, Counter(s for s, _ in load.finals)
        assert load.seen[503] > 0, "Redis was never seen away"
        up.wait_for("runtime.issuance", "loop", timeout=30)
        assert len(web_workers(up)) == 2
        rq = redis_lib.Redis.from_url(EmbeddedRedis(up.instance / "redis").url)
        Queue("default", connection=rq).enqueue(
            "runtime.issuance.jobs.grant_points", 1, 7, "bulk:after-faults", "after the kills"
        )

        def settled() -> bool:
            pending = db.session.scalar(
                select(func.count(Reward.id)).where(
                    Reward.status != "issued", Reward.kind == "points"
                )
            )
            bulk = db.session.scalar(
                select(func.count(PointsEntry.id)).where(
                    PointsEntry.source_key == "bulk:after-faults"
                )
            )
            db.session.commit()
            return pending == 0 and bulk == 1

        wait_until(settled, 40, "rewards or the RQ job did not settle after the kills")
        wins = wins_issued_once(db, load.finals)
        print(
            f"\n{len(load.finals)} draws answered, {wins} wins, seen {dict(load.seen)}; "
            f"draws back after each Redis kill in {', '.join(f'{r:.1f}' for r in recoveries)} s"
        )
        assert max(recoveries) < 10, (recoveries, up.log.read_text()[-4000:])  # why, if not
    finally:
        load.stop.set()
        up.stop()


def test_reconcile_every_second_during_draw_load(app, app_config, db, token, tmp_path):
    from core import create_app
    from runtime.reconcile import reconcile

    cid, tokens = prepare(db, token, people=30)
    up = launch(tmp_path, app_config["SQLALCHEMY_DATABASE_URI"], tokens)
    fenced = create_app({**app_config, "REDIS_URL": EmbeddedRedis(up.instance / "redis").url})
    results: list[dict] = []
    stop = threading.Event()

    def reconcile_every_second() -> None:
        with fenced.app_context():
            while not stop.is_set():
                results.extend(reconcile(SLUG))
                time.sleep(1)

    load = Load(up.base, tokens)
    reconciler = threading.Thread(target=reconcile_every_second, daemon=True)
    try:
        load.start()
        reconciler.start()
        conn = up_redis(up)
        wait_until(
            lambda: (
                int(conn.hget(hotstate.stock_key(cid), "gift") or STOCK) == 0 and len(results) >= 10
            ),
            60,
            "the prize did not sell out under load",
        )
        time.sleep(1)
        load.finish()
        stop.set()
        reconciler.join(30)
        with fenced.app_context():
            results.extend(reconcile(SLUG))
        assert load.seen[500] == 0, load.seen
        assert set(s for s, _ in load.finals) <= {200, 409}, Counter(s for s, _ in load.finals)
        done = [r for r in results if "skipped" not in r]
        assert len(done) >= 10, results[-3:]
        db.session.expire_all()
        issued = db.session.scalar(select(Prize.issued).where(Prize.key == "gift"))
        db.session.commit()
        assert issued == STOCK
        assert int(conn.hget(hotstate.stock_key(cid), "gift")) + issued == STOCK
        won = sum(
            1 for s, b in load.finals if s == 200 and b["prize"] and b["prize"]["key"] == "gift"
        )
        assert won == STOCK
        print(
            f"\n{len(done)} reconciles during {len(load.finals)} draws; seen {dict(load.seen)}; "
            f"draw p95 {load.p95_ms():.0f} ms"
        )
    finally:
        stop.set()
        load.stop.set()
        up.stop()
