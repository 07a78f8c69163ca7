"""Schemathesis against /api/v1/openapi.json: no 5xx, and every response matches the document
(status codes, content types, bodies). Bounded examples so it stays well under a minute."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.runtime.conftest import base_bundle, publish

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(app, db, channel, token):
    publish(base_bundle())
    app.config["SCHEMATHESIS_TOKEN"] = token("fuzzer")
    db.session.commit()
    db.session.remove()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


def test_openapi_document_is_served(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert "/api/v1/campaigns/{slug}/draw" in document["paths"]
    assert "bearerAuth" in document["components"]["securitySchemes"]


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case, app):
    if "slug" in (case.path_parameters or {}) and hash(repr(case.body)) % 2:
        case.path_parameters["slug"] = "test-draw"
    headers = {"Authorization": f"Bearer {app.config['SCHEMATHESIS_TOKEN']}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
