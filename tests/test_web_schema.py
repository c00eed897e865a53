"""schemathesis generates requests from the OpenAPI description: none may end in a 500, and every
answer must match the described status codes, content types and JSON schemas.

Driven through schemathesis's strategies with Hypothesis directly (its pytest plugin does not run
under pytest 9 yet); the budget is bounded: EXAMPLES_PER_ENDPOINT requests per endpoint, in-process.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from web_support import web_index  # noqa: F401  (fixture)

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e '.[test]')")

EXAMPLES_PER_ENDPOINT = 50  # six endpoints: ~300 requests
ENDPOINTS = [
    "GET /api/search", "GET /api/articles/{article_id}", "GET /api/similar/{article_id}",
    "GET /api/timeline", "GET /api/timeline/compare", "GET /api/stats",
]


@pytest.fixture(scope="module")
def operations(web_index):  # noqa: F811
    from newsearch.web.app import create_app

    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(web_index))
    found = {op.label: op for op in (result.ok() for result in schema.get_all_operations())}
    assert sorted(found) == sorted(ENDPOINTS), "the API changed: update ENDPOINTS"
    return found


@pytest.mark.parametrize("label", ENDPOINTS)
def test_api_never_fails_and_matches_its_description(operations, label):
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    calls = []

    @settings(max_examples=EXAMPLES_PER_ENDPOINT, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(operations[label].as_strategy())
    def run(case):
        calls.append(case.call_and_validate(checks=checks).status_code)

    run()
    assert calls, "schemathesis sent no request"
    if "{article_id}" not in label:  # random ids name no article (404); the others must get answers
        assert any(status == 200 for status in calls), calls
