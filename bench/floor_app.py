"""A second reference for bench/draw_load.py: the I/O a draw cannot avoid, with nothing else.

POST /floor does what every draw must, as directly as Python can: reads the participant's
state from Redis (one script), admits a prize (a second script), writes a draw row, a reward
row and the prize counter to SQLite in one transaction, and answers JSON. No rules, odds,
authentication, rate limits, schemas or evidence. The draw's throughput against this one
shows how much of the gap to the bare endpoint is the work itself and how much is the code
around it. Served by the same gunicorn configuration; env: REDIS_URL, FLOOR_DB (a file).
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
import time

import redis
from flask import Flask, request

app = Flask(__name__)
_redis = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://"), decode_responses=True)
READ_STATE = _redis.register_script(
    """
    local function hash(key)
      local flat, out = redis.call('HGETALL', key), {}
      for i = 1, #flat, 2 do out[flat[i]] = flat[i + 1] end
      return out
    end
    return cjson.encode({hash(KEYS[1]), hash(KEYS[2])})
    """
)
ADMIT = _redis.register_script(
    """
    redis.call('HINCRBY', KEYS[1], 'chances', -1)
    redis.call('HINCRBY', KEYS[1], 'draws', 1)
    redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
    return {'ok', ARGV[1]}
    """
)
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS draw (id INTEGER PRIMARY KEY, who TEXT, prize TEXT, evidence TEXT)",
    "CREATE TABLE IF NOT EXISTS reward (id INTEGER PRIMARY KEY, draw INTEGER, status TEXT)",
    "CREATE TABLE IF NOT EXISTS prize (key TEXT PRIMARY KEY, issued INTEGER)",
    "INSERT OR IGNORE INTO prize VALUES ('coupon', 0)",
)
_local = threading.local()
_random = secrets.SystemRandom()


def connection() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(os.environ["FLOOR_DB"], isolation_level=None, timeout=10)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL"):
            conn.execute(f"PRAGMA {pragma}")
        for statement in SCHEMA:
            conn.execute(statement)
        _local.conn = conn
    return conn


@app.post("/floor")
def floor():
    who = request.headers.get("Authorization", "")[-24:]
    body = request.get_json(silent=True) or {}
    keys = [f"floor:{{1}}:p:{who}", "floor:{1}:stock"]
    state = json.loads(READ_STATE(keys=keys))
    rand = _random.random()
    _, prize = ADMIT(keys=keys, args=["coupon"])
    evidence = json.dumps(
        {"state": state, "random": rand, "body": body, "at": time.time(), "odds": [1, 20, 30]},
        sort_keys=True,
    )
    conn = connection()
    conn.execute("BEGIN IMMEDIATE")
    try:
        draw_id = conn.execute(
            "INSERT INTO draw (who, prize, evidence) VALUES (?, ?, ?) RETURNING id",
            (who, prize, evidence),
        ).fetchone()[0]
        reward_id = conn.execute(
            "INSERT INTO reward (draw, status) VALUES (?, 'pending') RETURNING id", (draw_id,)
        ).fetchone()[0]
        conn.execute("UPDATE prize SET issued = issued + 1 WHERE key = ?", (prize,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return {"draw_id": draw_id, "won": True, "prize": {"key": prize}, "reward": {"id": reward_id}}
