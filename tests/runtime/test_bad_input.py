"""Bad input to the participant API: sizes, media types, strict JSON, tokens, whitelists.

Every refusal is a 4xx application/problem+json with a stable `code` (docs/api.md)."""

from __future__ import annotations

import json
import time

import jwt
import pytest

from core.accounts import secret_for
from runtime.auth import sign_event
from tests.factories import make_channel, make_token
from tests.runtime.conftest import auth, base_bundle, publish

SLUG = "/api/v1/campaigns/test-draw"
PROBLEM = "application/problem+json"


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    assert response.json["code"] == code
    return response.json


def chances(client, tok) -> int:
    return client.get(f"{SLUG}/me", headers=auth(tok)).json["chances"]["gold"]


@pytest.fixture
def joined(client, token):
    publish(base_bundle())
    tok = token("alice")
    assert client.post(f"{SLUG}/join", headers=auth(tok), json={}).status_code == 200
    return tok


# ---- sizes ----------------------------------------------------------------------------------


def test_a_body_over_the_api_limit_is_refused_before_it_is_read(client, app, joined):
    limit = app.config["API_MAX_CONTENT_LENGTH"]
    body = b'{"chance_kind": "' + b"x" * limit + b'"}'
    response = client.post(
        f"{SLUG}/draw", data=body, headers=auth(joined), content_type="application/json"
    )
    problem(response, 413, "payload_too_large")
    assert chances(client, joined) == 3


def test_the_studio_takes_larger_bodies_than_the_api(client, app):
    assert app.config["MAX_CONTENT_LENGTH"] > 5 * 1024 * 1024  # coupon CSV uploads (5 MB)
    assert app.config["API_MAX_CONTENT_LENGTH"] <= 64 * 1024
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    refused = client.post("/studio/login", data=body, content_type="text/plain")
    assert refused.status_code == 413 and refused.mimetype == "text/html"  # the studio's page
    fits = b"x" * (app.config["API_MAX_CONTENT_LENGTH"] * 2)
    assert client.post("/studio/login", data=fits, content_type="text/plain").status_code != 413


def test_long_urls_many_headers_and_huge_headers_are_problems(client, joined):
    problem(client.get(f"{SLUG}?q={'x' * 5000}"), 414, "uri_too_long")
    many = {f"X-Filler-{i}": "1" for i in range(150)}
    problem(client.get(SLUG, headers=many), 431, "headers_too_large")
    huge = {"Authorization": "Bearer " + "a" * 10_000}
    problem(client.post(f"{SLUG}/draw", headers=huge, json={}), 431, "headers_too_large")


# ---- media type and JSON --------------------------------------------------------------------


def test_a_draw_body_that_is_not_json_is_refused_and_draws_nothing(client, joined):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = auth(joined)
        if content_type:
            headers["Content-Type"] = content_type
        response = client.post(f"{SLUG}/draw", data='{"chance_kind": "gold"}', headers=headers)
        problem(response, 415, "unsupported_media_type")
    assert chances(client, joined) == 3
    assert client.post(f"{SLUG}/draw", headers=auth(joined)).status_code == 200  # no body: ok
    assert chances(client, joined) == 2


@pytest.mark.parametrize(
    "body, path",
    [
        ('{"chance_kind": "gold", "chance_kind": "silver"}', ""),
        ('{"chance_kind": NaN}', ""),
        ('{"chance_kind": Infinity}', ""),
        ('{"x": 1e999}', ""),
        ('{"x": ' + "[" * 40 + "]" * 40 + "}", "x[0]"),
        ("[" * 30_000 + "]" * 30_000, ""),  # was a RecursionError: 500
        ('{"chance_kind": "go', ""),
    ],
    ids=["duplicate-key", "nan", "infinity", "1e999", "depth-41", "depth-30000", "truncated"],
)
def test_unacceptable_json_is_400_bad_request(client, joined, body, path):
    response = client.post(
        f"{SLUG}/draw", data=body, headers=auth(joined), content_type="application/json"
    )
    found = problem(response, 400, "bad_request")
    assert found["errors"][0]["path"].startswith(path)
    assert chances(client, joined) == 3


def test_a_100000_deep_body_is_refused_by_size(client, joined):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(
        f"{SLUG}/draw", data=body, headers=auth(joined), content_type="application/json"
    )
    problem(response, 413, "payload_too_large")


def test_flask_get_json_is_strict_too(app):
    with app.test_request_context(
        "/x", method="POST", data='{"a": 1, "a": 2}', content_type="application/json"
    ):
        from flask import request
        from werkzeug.exceptions import BadRequest

        with pytest.raises(BadRequest):
            request.get_json()


# ---- server events: the signature first -----------------------------------------------------


def signed(client, channel, raw: bytes, content_type: str = "application/json"):
    stamp = str(int(time.time()))
    headers = {
        "X-Studio-Channel": channel.key,
        "X-Studio-Timestamp": stamp,
        "X-Studio-Signature": "sha256=" + sign_event(secret_for(channel), stamp, raw),
        "Content-Type": content_type,
    }
    return client.post("/api/v1/events", data=raw, headers=headers)


@pytest.mark.parametrize(
    "raw",
    [b"{}", b'{"event_id": 5}', b"not json", b"[" * 5000],
    ids=["empty", "bad-field", "not-json", "deep"],
)
def test_an_unsigned_event_is_401_whatever_its_body(client, channel, raw):
    headers = {"X-Studio-Channel": channel.key, "Content-Type": "application/json"}
    found = problem(client.post("/api/v1/events", data=raw, headers=headers), 401, "invalid_token")
    assert "errors" not in found  # no field details for a caller we do not know


def test_a_signed_event_with_bad_json_is_400_and_bad_fields_422(client, channel):
    body = b'{"event_id": "e1", "type": "transaction", "participant": "p", "data": {"a": 1}}'
    assert signed(client, channel, body).status_code == 200
    infinite = body.replace(b'"a": 1', b'"transaction_amount": Infinity')
    problem(signed(client, channel, infinite), 400, "bad_request")
    twice = body.replace(b'"event_id": "e1"', b'"event_id": "e2", "event_id": "e3"')
    problem(signed(client, channel, twice), 400, "bad_request")
    problem(signed(client, channel, body, "text/plain"), 415, "unsupported_media_type")
    found = problem(signed(client, channel, b'{"event_id": "e4"}'), 422, "validation_error")
    assert {e["path"] for e in found["errors"]} == {"type", "participant"}


# ---- tokens ---------------------------------------------------------------------------------


def forged(channel, **claims) -> str:
    now = int(time.time())
    payload = {"iss": channel.key, "sub": "alice", "iat": now, "exp": now + 600, **claims}
    return jwt.encode(payload, secret_for(channel), algorithm="HS256")


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": 253402300799},  # 9999-12-31
        {"exp": str(int(time.time()) + 600)},  # PyJWT alone accepts a numeric string
        {"exp": int(time.time()) + 600.5},
        {"exp": int(time.time()) + 31 * 86400},  # beyond the default 30 days
        {"attrs": {"age": float("inf")}},  # json.dumps writes Infinity; json.loads reads inf
        {"attrs": {"age": float("nan")}},
        {"attrs": {"x": json.loads("[" * 40 + "]" * 40)}},  # deeper than MAX_JSON_DEPTH
    ],
)
def test_tokens_with_unbounded_or_non_finite_claims_are_401(client, channel, claims):
    publish(base_bundle())
    response = client.post(f"{SLUG}/join", headers=auth(forged(channel, **claims)), json={})
    problem(response, 401, "invalid_token")


def test_the_longest_lifetime_is_configured_and_minting_respects_it(client, app, channel):
    publish(base_bundle())
    longest = app.config["TOKEN_MAX_LIFETIME_SECONDS"]
    assert longest == 30 * 86400
    ok = make_token(channel, "alice", ttl=longest)
    assert client.post(f"{SLUG}/join", headers=auth(ok), json={}).status_code == 200
    with pytest.raises(ValueError, match="ttl"):
        make_token(channel, "alice", ttl=longest + 1)
    with pytest.raises(ValueError, match="finite"):
        make_token(channel, "alice", {"age": float("inf")})
    app.config["TOKEN_MAX_LIFETIME_SECONDS"] = 3600  # an operator shortens it
    bob = forged(channel, sub="bob", exp=int(time.time()) + 7200)
    problem(client.post(f"{SLUG}/join", headers=auth(bob), json={}), 401, "invalid_token")


# ---- whitelists are per channel -------------------------------------------------------------


def test_a_whitelisted_id_minted_by_another_channel_does_not_join(client, db, channel):
    audience = {"whitelist": ["w1"], "whitelist_channel": "bank-app", "message": "仅限受邀客户"}
    publish(base_bundle(audience=audience))
    kiosk, _ = make_channel("kiosk")
    intruder = make_token(kiosk, "w1")
    db.session.commit()
    found = problem(
        client.post(f"{SLUG}/join", headers=auth(intruder), json={}), 403, "not_eligible"
    )
    assert found["detail"] == "仅限受邀客户"
    assert client.post(f"{SLUG}/join", headers=auth(make_token(channel, "w1")), json={}).json[
        "joined"
    ]
    stranger = make_token(channel, "w2")
    problem(client.post(f"{SLUG}/join", headers=auth(stranger), json={}), 403, "not_eligible")


def test_docs_list_every_error_code_the_api_answers_with():
    from pathlib import Path

    from core.errors import GENERIC_CODES

    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text("utf-8")
    for code in GENERIC_CODES.values():
        assert f"`{code}`" in text, code


# ---- text no database can store -------------------------------------------------------------


@pytest.mark.parametrize("bad", ["\\u0000", "\\ud800"], ids=["nul", "lone-surrogate"])
def test_nul_and_lone_surrogates_are_400_not_a_database_error(client, joined, channel, bad):
    """PostgreSQL refuses NUL in text and jsonb, and UTF-8 has no lone surrogates: each of these
    was a 500 on the first write (leads, events, referral lookups, slugs)."""
    lead = '{"name": "a' + bad + 'b", "phone": "13800000000", "consent_contact": true}'
    found = problem(
        client.post(
            f"{SLUG}/leads", data=lead, headers=auth(joined), content_type="application/json"
        ),
        400,
        "bad_request",
    )
    assert found["errors"][0]["path"] == "name"
    referral = '{"code": "' + bad + '"}'
    response = client.post(
        f"{SLUG}/referrals", data=referral, headers=auth(joined), content_type="application/json"
    )
    problem(response, 400, "bad_request")
    event = '{"event_id": "e' + bad + '", "type": "transaction", "participant": "alice"}'
    problem(signed(client, channel, event.encode()), 400, "bad_request")
    problem(client.get("/api/v1/campaigns/test%00draw"), 400, "bad_request")


def test_tokens_with_nul_in_sub_or_attrs_are_401(client, channel):
    publish(base_bundle())
    for claims in ({"sub": "ali\x00ce"}, {"attrs": {"city": "上海\x00"}}, {"attrs": {"k\x00": 1}}):
        response = client.post(f"{SLUG}/join", headers=auth(forged(channel, **claims)), json={})
        problem(response, 401, "invalid_token")
    with pytest.raises(ValueError, match="NUL"):
        make_token(channel, "bob", {"city": "\x00"})
