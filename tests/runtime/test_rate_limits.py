"""Rate limits per participant and per IP, stored in Redis, answered with 429 problem+json."""

import pytest
import requests

from core import create_app
from tests.runtime.conftest import auth, base_bundle, publish

URL = "/api/v1/campaigns/test-draw/me"


@pytest.fixture
def limited(app_config, db, token):
    def build(participant="3/minute", ip="1000/minute", proxies=0):
        publish(base_bundle())
        db.session.commit()
        limited_app = create_app(
            {
                **app_config,
                "RATELIMIT_ENABLED": True,
                "RUNTIME_RATE_LIMIT_PARTICIPANT": participant,
                "RUNTIME_RATE_LIMIT_IP": ip,
                "STUDIO_TRUSTED_PROXIES": proxies,
            }
        )
        return limited_app.test_client()

    return build


def test_participant_limit_answers_429_problem_json(limited, token):
    client = limited()
    headers = auth(token("alice"))
    answers = [client.get(URL, headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert not any(h.startswith("X-RateLimit") for a in answers for h in a.headers.keys())
    refused = client.get(URL, headers=headers)
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "rate_limited"
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60 and refused.json["retry_after"] == wait
    assert refused.json["limit"] == "3 per 1 minute"
    # another participant from the same address still has their own allowance
    assert client.get(URL, headers=auth(token("bob"))).status_code == 200


def test_a_forged_token_cannot_spend_someone_elses_allowance(limited, token, channel):
    import jwt

    client = limited()
    victim = token("victim")
    claims = jwt.decode(victim, options={"verify_signature": False})
    forged = jwt.encode(claims, "not-the-channel-secret", algorithm="HS256")
    for _ in range(5):
        assert client.get(URL, headers=auth(forged)).status_code in (401, 429)
    assert client.get(URL, headers=auth(victim)).status_code == 200


def test_ip_limit_applies_without_a_token(limited):
    client = limited(ip="2/minute")
    statuses = [client.get(URL).status_code for _ in range(3)]
    assert statuses[:2] == [401, 401] and statuses[2] == 429


def forwarded(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def test_behind_a_trusted_proxy_each_client_has_its_own_ip_budget(limited):
    """Behind the bank's proxy every request arrives from the proxy's address; with the proxy
    trusted, the limit counts the client the proxy names, not everyone together."""
    client = limited(ip="2/minute", proxies=1)
    first = [client.get(URL, headers=forwarded("203.0.113.7")).status_code for _ in range(3)]
    assert first == [401, 401, 429]
    assert client.get(URL, headers=forwarded("198.51.100.20")).status_code == 401


def test_a_client_cannot_prepend_addresses_to_escape_the_limit(limited):
    """The trusted proxy appends the real client; anything before it is the client's own."""
    client = limited(ip="2/minute", proxies=1)
    statuses = [
        client.get(URL, headers=forwarded(f"10.0.0.{i}, 203.0.113.7")).status_code for i in range(3)
    ]
    assert statuses == [401, 401, 429]


def test_forwarded_addresses_are_ignored_without_a_trusted_proxy(limited):
    client = limited(ip="2/minute")
    statuses = [client.get(URL, headers=forwarded(f"203.0.113.{i}")).status_code for i in range(3)]
    assert statuses == [401, 401, 429]


def test_a_requests_limits_are_counted_in_one_redis_cluster_slot(app, token):
    """rate_hit.lua touches every limit of a request at once: on Redis Cluster its keys must
    hash to one slot, whatever the participant's id holds (braces included)."""
    from redis.crc import key_slot

    from runtime.api.limits import counter_key, limit_for

    endpoints = ("api_campaigns.draw_view", "api_campaigns.join", "api_events.post_event")
    for sub in ("alice", "a}{b", "{x}"):
        with app.test_request_context(URL, headers=auth(token(sub))):
            for endpoint in endpoints:
                keys = [
                    counter_key(limit_for(kind), kind, endpoint) for kind in ("participant", "ip")
                ]
                assert len({key_slot(k.encode()) for k in keys}) == 1, keys
                assert keys[0] != keys[1]


@pytest.mark.slow
def test_limits_are_shared_across_processes(live_server, db, token):
    publish(base_bundle())
    db.session.commit()
    headers = auth(token("carol"))
    base = live_server(
        workers=3, threads=1, extra_env={"RUNTIME_RATE_LIMIT_PARTICIPANT": "6/minute"}
    )
    statuses = [requests.get(base + URL, headers=headers, timeout=10).status_code for _ in range(9)]
    assert statuses.count(200) == 6 and statuses.count(429) == 3, statuses


@pytest.mark.slow
def test_trusted_proxy_setting_reaches_the_server(live_server, db):
    """STUDIO_TRUSTED_PROXIES from the environment, through gunicorn: real client addresses."""
    base = live_server(
        workers=1,
        threads=2,
        extra_env={"STUDIO_TRUSTED_PROXIES": "1", "RUNTIME_RATE_LIMIT_IP": "2/minute"},
    )
    url = base + "/api/v1/campaigns/nowhere/me"

    def status(address: str) -> int:
        return requests.get(url, headers=forwarded(address), timeout=10).status_code

    assert [status("203.0.113.7") for _ in range(3)] == [404, 404, 429]
    assert status("198.51.100.20") == 404
