"""The draw's lean serving path (issue 16): the same contract as the documented schemas, its
rate limits counted in the state read's round trip, and its flight landed by the next draw's
admission call: two Redis round trips per draw under load instead of four."""

from __future__ import annotations

import json
import time

import pytest
import redis as redis_lib
from sqlalchemy import func, select

from core import create_app
from core.models import Draw
from runtime import hotstate, landings
from runtime.api import schemas as s
from runtime.api.draw_endpoint import AnswerEncoder
from runtime.api.parsing import StrictJsonParser
from runtime.api.problems import flatten_messages
from tests.runtime.conftest import auth, base_bundle, flights_landed, publish

DRAW = "/api/v1/campaigns/test-draw/draw"
JOIN = "/api/v1/campaigns/test-draw/join"
PRIZES = [
    {
        "key": "pts",
        "name": "积分",
        "weight": 1,
        "stock": None,
        "reward": {"kind": "points", "amount": 10},
    },
    {
        "key": "cash",
        "name": "红包",
        "name_en": "Red packet",
        "weight": 1,
        "stock": 5,
        "reward": {"kind": "red_packet", "mode": "random", "min": 0.5, "max": 2},
    },
    {
        "key": "fixed",
        "name": "定额",
        "weight": 1,
        "stock": 5,
        "reward": {"kind": "red_packet", "mode": "fixed", "amount": 1.88},
    },
    {
        "key": "phone",
        "name": "iPhone",
        "image": "/p.png",
        "weight": 1,
        "stock": 2,
        "reward": {"kind": "physical"},
    },
    {"key": "thanks", "name": "谢谢", "weight": 1, "fallback": True, "reward": {"kind": "none"}},
]


def documented_bytes(app, answer: dict) -> bytes:
    """What flask-smorest's @blp.response(200, DrawResult) answered: dump + the app's JSON."""
    with app.test_request_context():
        return app.json.response(s.DrawResult().dump(answer)).get_data()


def test_the_encoder_writes_the_bytes_the_documented_schema_gives(app, db):
    from runtime import loader
    from runtime.draw_plan import draw_plan

    bundle = base_bundle(
        prizes=PRIZES, limits={"per_person": {}, "branch_quotas": {}, "budget": {"amount": 100}}
    )
    publish(bundle)
    db.session.commit()
    with app.test_request_context():
        _, live = loader.load("test-draw")
        public = draw_plan(live).public
    encoder = AnswerEncoder(public)
    rewards = [
        None,
        {"id": 7, "kind": "points", "status": "pending"},
        {"id": 8, "kind": "red_packet", "status": "pending", "amount": 1.23},
        {"id": 9, "kind": "red_packet", "status": "issued", "amount": 2},
    ]
    for key in [None, *public]:
        for reward in rewards:
            for extra in (
                {
                    "chances_left": {"gold": 2, "silver": 0},
                    "messages": ["多一次", "x"],
                    "replayed": False,
                },
                {"chances_left": None, "messages": [], "replayed": True},
            ):
                prize = public.get(key) if key else None
                answer = {
                    "draw_id": 41,
                    "won": prize is not None,
                    "consolation": key == "thanks",
                    "prize": prize,
                    "reward": reward,
                    **extra,
                }
                assert encoder.encode(answer) == documented_bytes(app, answer), (key, reward)
                if prize is not None:  # a replayed answer's view is a copy read from evidence
                    copy = {**answer, "prize": json.loads(json.dumps(prize))}
                    assert encoder.encode(copy) == documented_bytes(app, copy)


BODIES = [
    (b"", "application/json"),
    (b"{}", "application/json"),
    (b'{"chance_kind": "gold"}', "application/json"),
    (b'{"chance_kind": ""}', "application/json"),
    (b'{"chance_kind": 5}', "application/json"),
    (b'{"chance_kind": "' + b"k" * 40 + b'"}', "application/json"),
    (b'{"other": 1}', "application/json"),
    (b"[]", "application/json"),
    (b"null", "application/json"),
    (b'{"chance_kind": NaN}', "application/json"),
    (b'{"a": 1, "a": 2}', "application/json"),
    (b"chance_kind=gold", "text/plain"),
    (b"{}", "text/plain"),
    (b"{}", "application/merge-patch+json"),
]


def reference(app, body: bytes, content_type: str) -> tuple[int, list | None]:
    """The status and error list webargs (StrictJsonParser + DrawBody) gave a body."""
    from werkzeug.exceptions import UnprocessableEntity

    from core.errors import ApiProblem

    with app.test_request_context(method="POST", data=body, content_type=content_type):
        from flask import request

        try:
            StrictJsonParser().parse(s.DrawBody(), request, location="json")
        except UnprocessableEntity as exc:
            return 422, list(flatten_messages(exc.data["messages"]))
        except ApiProblem as exc:
            return exc.status, exc.extra.get("errors")
    return 200, None


@pytest.mark.parametrize(("body", "content_type"), BODIES)
def test_the_body_is_read_as_the_documented_parser_reads_it(
    app, client, db, token, body, content_type
):
    publish(base_bundle())
    db.session.commit()
    tok = token("alice")
    assert client.post(JOIN, headers=auth(tok), json={}).status_code == 200
    answer = client.post(DRAW, headers={**auth(tok), "Content-Type": content_type}, data=body)
    status, errors = reference(app, body, content_type)
    assert answer.status_code == status, answer.json
    if status != 200:
        assert answer.mimetype == "application/problem+json"
        assert answer.json.get("errors") == errors


@pytest.fixture
def limited_client(app_config, db):
    publish(
        base_bundle(
            chances={"kinds": [{"key": "gold", "name": "金", "initial": 9}], "default_kind": "gold"}
        )
    )
    db.session.commit()
    app = create_app(
        {**app_config, "RATELIMIT_ENABLED": True, "RUNTIME_RATE_LIMIT_PARTICIPANT": "3/minute"}
    )
    return app.test_client()


def test_the_draw_counts_its_rate_limit_and_draws_nothing_over_it(limited_client, db, token):
    tok = token("alice")
    assert limited_client.post(JOIN, headers=auth(tok), json={}).status_code == 200
    answers = [limited_client.post(DRAW, headers=auth(tok), json={}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[3].json["code"] == "rate_limited" and int(answers[3].headers["Retry-After"]) >= 1
    assert db.session.scalar(select(func.count(Draw.id))) == 3
    me = limited_client.get("/api/v1/campaigns/test-draw/me", headers=auth(token("bob")))
    assert me.status_code in (200, 403)  # another participant keeps their own allowance


def test_a_draw_refused_before_its_state_read_is_counted_too(limited_client, db, token):
    tok = token("alice")
    assert limited_client.post(JOIN, headers=auth(tok), json={}).status_code == 200
    bad = [limited_client.post(DRAW, headers=auth(tok), json={"chance_kind": ""}) for _ in range(2)]
    assert [a.status_code for a in bad] == [422, 422]
    assert limited_client.post(DRAW, headers=auth(tok), json={}).status_code == 200
    over = limited_client.post(DRAW, headers=auth(tok), json={"chance_kind": ""})
    assert over.status_code == 429  # the limit wins over the body's own fault, as before
    assert db.session.scalar(select(func.count(Draw.id))) == 1


class RoundTrips:
    """Counts what this process sends to Redis (a pipeline is one send)."""

    def __init__(self, monkeypatch) -> None:
        self.count = 0
        real = redis_lib.connection.AbstractConnection.send_packed_command

        def counting(conn, command, check_health=True):
            self.count += 1
            return real(conn, command, check_health)

        monkeypatch.setattr(
            redis_lib.connection.AbstractConnection, "send_packed_command", counting
        )


def test_a_committed_flight_lands_with_the_next_admission_call(
    client, db, redis, token, monkeypatch
):
    cid = publish(base_bundle()).id
    db.session.commit()
    alice, bob = token("alice"), token("bob")
    for tok in (alice, bob):
        assert client.post(JOIN, headers=auth(tok), json={}).status_code == 200
    trips = RoundTrips(monkeypatch)
    flights = hotstate.flights_key(cid)
    with landings.boarding(cid):  # another draw of this process on its way to its admission
        assert client.post(DRAW, headers=auth(alice), json={}).status_code == 200
        first = landings.waiting(cid)
        assert len(first) == 1 and redis.zrange(flights, 0, -1) == first  # committed, not landed
        trips.count = 0
        assert client.post(DRAW, headers=auth(bob), json={}).status_code == 200
        assert trips.count == 2  # rate limits + state in one pipeline, then draw.lua
        second = landings.waiting(cid)
        assert redis.zrange(flights, 0, -1) == second != first  # bob's call landed alice's
    # the last one on its way left without another call: the lander lands what waited
    assert flights_landed(redis, cid)


def test_an_idle_process_lands_its_flight_within_the_grace(client, db, redis, token):
    cid = publish(base_bundle()).id
    db.session.commit()
    tok = token("alice")
    assert client.post(JOIN, headers=auth(tok), json={}).status_code == 200
    assert client.post(DRAW, headers=auth(tok), json={}).status_code == 200
    assert flights_landed(redis, cid)


def test_flights_of_a_batch_land_in_one_call(client, db, redis, token, monkeypatch):
    """Draws committed with no draw boarding (a group-committed batch) wait for the lander,
    which lands them together: one ZREM, not one per draw."""
    cid = publish(base_bundle()).id
    db.session.commit()
    monkeypatch.setattr(landings, "GRACE_SECONDS", 0.5)
    tokens = ["t1", "t2", "t3"]
    redis.zadd(hotstate.flights_key(cid), {t: time.time() for t in tokens})
    calls = []
    real = landings._land_now
    monkeypatch.setattr(landings, "_land_now", lambda *a: (calls.append(a), real(*a)))
    for flight in tokens:
        landings.committed(cid, flight)
    assert landings.waiting(cid) == tokens and calls == []
    assert flights_landed(redis, cid)
    assert calls == [(cid, tokens)]  # one ZREM for the three


def test_land_all_lands_what_waits(db, redis, monkeypatch):
    monkeypatch.setattr(landings, "GRACE_SECONDS", 60)
    redis.zadd(hotstate.flights_key(9999), {"x1": time.time()})
    with landings.boarding(9999):  # a carrier on its way: nothing lands by itself
        landings.committed(9999, "x1")
        landings.land_all()  # what the process does at exit
        assert redis.zcard(hotstate.flights_key(9999)) == 0 and landings.waiting(9999) == []


def test_the_draw_is_still_documented_by_its_schemas(client):
    """Served by the lean path, documented by the smorest declarations as before."""
    operation = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/campaigns/{slug}/draw"]
    post = operation["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    answer = post["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/DrawBody"}
    assert answer == {"$ref": "#/components/schemas/DrawResult"}
    assert post["summary"] == "Draw once with a chance of `chance_kind` (default kind if omitted)."
    assert post["security"] == [{"bearerAuth": []}]
    assert [p["name"] for p in post["parameters"]] == ["Idempotency-Key"]
    assert set(post["responses"]) == {"200", "422", "default"}
