"""Schemathesis drives every operation of the published OpenAPI with generated requests.

Valid and invalid bodies, parameters and headers, with each operation's own
role token, against the real server on both database
backends: no answer may be a 5xx, and every answer must match the published
status codes, content types and schemas.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from sync.server.app import create_app
from sync.server.db import open_engine
from sync.server.embedded import EmbeddedServer
from tests.sync.conftest import Tokens, bearer

# the published document; the same one `GET /openapi.json` serves (checked below)
SPEC = create_app(open_engine("sqlite://")).openapi()
schema = schemathesis.openapi.from_dict(SPEC)

ROLE_BY_PREFIX = {
    "/api/v1/applications": "device",
    "/api/v1/heartbeat": "device",
    "/api/v1/catalog": "device",
    "/api/v1/status": "device",
    "/api/v1/inbox": "office",
    "/api/v1/office": "office",
    "/api/v1/admin": "admin",
}


def role_token(path: str, tokens: Tokens) -> str | None:
    for prefix, role in ROLE_BY_PREFIX.items():
        if path.startswith(prefix):
            return {
                "device": tokens.device,
                "office": tokens.offices["jobcenter"],
                "admin": tokens.admin,
            }[role]
    return None


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_errors_and_answers_match_the_spec(
    case: schemathesis.Case, server: EmbeddedServer, tokens: Tokens
) -> None:
    token = role_token(case.path, tokens)
    headers = bearer(token) if token else {}
    case.call_and_validate(
        base_url=server.url,
        headers=headers,
        checks=[
            checks.not_a_server_error,
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_schema_conformance,
        ],
    )


def test_the_fuzzed_document_is_the_served_one(server: EmbeddedServer) -> None:
    import httpx

    assert httpx.get(f"{server.url}/openapi.json").json() == SPEC
