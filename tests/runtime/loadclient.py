"""A bounded load client for concurrency tests: several processes, each with threads."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import requests


def _one(session: requests.Session, call: dict[str, Any]) -> tuple[int, dict]:
    body = {"data": call["data"]} if "data" in call else {"json": call.get("json", {})}
    response = session.request(
        call.get("method", "POST"), call["url"], headers=call.get("headers"), timeout=60, **body
    )
    try:
        body = response.json()
    except ValueError:
        body = {"raw": response.text[:200]}
    return response.status_code, body


def _chunk(calls: list[dict[str, Any]], threads: int) -> list[tuple[int, dict]]:
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=threads, pool_maxsize=threads)
    session.mount("http://", adapter)
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda c: _one(session, c), calls))


def run_calls(
    calls: list[dict[str, Any]], processes: int = 4, threads: int = 16
) -> list[tuple[int, dict]]:
    """Send every call concurrently from `processes` processes x `threads` threads."""
    chunks = [calls[i::processes] for i in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        results = pool.map(_chunk, chunks, [threads] * processes)
    return [item for chunk in results for item in chunk]
