"""A second reference for bench/draw_load.py: the I/O a draw cannot avoid, with nothing else.

POST /floor does what every draw must, as directly as Python can, in the shape the real draw
has: its Redis round trips (FLOOR_ROUND_TRIPS, default 2, as the real draw makes under load:
one reading the participant's state, one admitting a prize; 1: one script doing both, the
floor of a design that picks inside Redis) and a group-committed SQL transaction
(runtime.group_commit: the draws a process has ready share one transaction) writing a draw
row with its evidence, a reward row and the prize counter, then a JSON answer. No rules,
odds, authentication, rate limits or schemas. The draw's throughput against this one shows
how much of the gap to the bare endpoint is the work itself and how much the code around it.

Served by the same server configuration; env: REDIS_URL, FLOOR_DATABASE_URL (the database the
real draw uses: a SQLite file of its own beside it, or the same PostgreSQL database, tables
`floor_*`), FLOOR_ROUND_TRIPS.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from flask import Flask, request
from sqlalchemy import create_engine

from runtime.group_commit import GroupCommit

app = Flask(__name__)
_redis = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://"), decode_responses=True)
READ = """
    local function hash(key)
      local flat, out = redis.call('HGETALL', key), {}
      for i = 1, #flat, 2 do out[flat[i]] = flat[i + 1] end
      return out
    end
    local state = cjson.encode({hash(KEYS[1]), hash(KEYS[2])})
"""
ADMIT = """
    redis.call('HINCRBY', KEYS[1], 'chances', -1)
    redis.call('HINCRBY', KEYS[1], 'draws', 1)
    redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
"""
READ_STATE = _redis.register_script(READ + "return state")
ADMIT_ONLY = _redis.register_script(ADMIT + "return {ARGV[1], ''}")
READ_AND_ADMIT = _redis.register_script(READ + ADMIT + "return {ARGV[1], state}")
ROUND_TRIPS = int(os.environ.get("FLOOR_ROUND_TRIPS", "2"))
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS floor_draw (id {serial} PRIMARY KEY, who TEXT, prize TEXT, "
    "evidence TEXT)",
    "CREATE TABLE IF NOT EXISTS floor_reward (id {serial} PRIMARY KEY, draw INTEGER, status TEXT)",
    "CREATE TABLE IF NOT EXISTS floor_prize (key TEXT PRIMARY KEY, issued INTEGER)",
)
_engine = None
_engine_lock = threading.Lock()
_gate_lock = threading.Lock()
_random = secrets.SystemRandom()


def engine():
    global _engine
    with _engine_lock:
        if _engine is None:
            url = os.environ["FLOOR_DATABASE_URL"]
            options = {"pool_size": 20} if url.startswith("postgresql") else {}
            _engine = create_engine(url, **options)
            serial = "SERIAL" if url.startswith("postgresql") else "INTEGER"
            with _engine.begin() as conn:
                if _engine.dialect.name == "sqlite":
                    conn.exec_driver_sql("PRAGMA journal_mode=WAL")
                else:  # the workers of two floor servers create the tables at once
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242)")
                for statement in SCHEMA:
                    conn.exec_driver_sql(statement.format(serial=serial))
                conn.exec_driver_sql(
                    "INSERT INTO floor_prize VALUES ('coupon', 0) ON CONFLICT DO NOTHING"
                )
    return _engine


@contextmanager
def gate() -> Iterator[None]:
    """One SQLite writer at a time across processes (as runtime.write_gate); none on PG."""
    eng = engine()
    if eng.dialect.name != "sqlite":
        yield
        return
    with _gate_lock:
        fd = os.open(eng.url.database + ".writelock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def write(rows: list[tuple[str, str, str]]) -> list[tuple[int, int]]:
    eng = engine()
    connection = eng.raw_connection()
    try:
        cursor = connection.cursor()
        mark = "?" if eng.dialect.name == "sqlite" else "%s"
        if eng.dialect.name == "sqlite":
            connection.isolation_level = None
            cursor.execute("BEGIN IMMEDIATE")
        written = []
        for who, prize, evidence in rows:
            cursor.execute(
                f"INSERT INTO floor_draw (who, prize, evidence) VALUES ({mark}, {mark}, {mark}) "
                "RETURNING id",
                (who, prize, evidence),
            )
            draw_id = cursor.fetchone()[0]
            cursor.execute(
                f"INSERT INTO floor_reward (draw, status) VALUES ({mark}, 'pending') RETURNING id",
                (draw_id,),
            )
            written.append((draw_id, cursor.fetchone()[0]))
        cursor.execute(
            f"UPDATE floor_prize SET issued = issued + {mark} WHERE key = 'coupon'", (len(rows),)
        )
        connection.commit()
        return written
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.close()


_commits = GroupCommit(write=write, gate=gate)


@app.post("/floor")
def floor():
    who = request.headers.get("Authorization", "")[-24:]
    body = request.get_json(silent=True) or {}
    keys = [f"floor:{{1}}:p:{who}", "floor:{1}:stock"]
    rand = _random.random()
    if ROUND_TRIPS == 1:
        prize, state = READ_AND_ADMIT(keys=keys, args=["coupon"])
    else:
        state = READ_STATE(keys=keys)
        prize, _ = ADMIT_ONLY(keys=keys, args=["coupon"])
    evidence = json.dumps(
        {"state": state, "random": rand, "body": body, "at": time.time(), "odds": [1, 20, 30]},
        separators=(",", ":"),
    )
    draw_id, reward_id = _commits.submit((who, prize, evidence))
    return {"draw_id": draw_id, "won": True, "prize": {"key": prize}, "reward": {"id": reward_id}}
