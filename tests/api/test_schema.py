"""The OpenAPI 3 description at /api/schema/, browsable docs served from the
portal itself (no CDN), and schemathesis checking every operation against it:
no server errors, every response as described."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode
from wagtail.models import APIToken

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_schema_is_openapi_3_and_covers_every_endpoint(client):
    response = client.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/resources/",
        "/api/resources/{slug}/",
        "/api/events/",
        "/api/events/{slug}/",
        "/api/working-groups/",
        "/api/working-groups/{slug}/",
        "/api/threads/",
        "/api/threads/{id}/",
    }
    assert "apiToken" in schema["components"]["securitySchemes"]


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_load_their_assets_from_the_portal(client, url):
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs"):
        assert cdn not in page


def test_browsable_api_for_people(world, client):
    response = client.get("/api/resources/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "Open census guide" in response.content.decode()
    assert "Secret budget draft" not in response.content.decode()


@pytest.fixture
def api_schema(world, readers):
    """The schema, loaded from the portal's WSGI app in this process. Like
    Django's test client, keep the test's database connection open across the
    requests (the test's transaction holds the data)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        loaded = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())
        loaded.config.generation.update(modes=[GenerationMode.POSITIVE])
        yield loaded
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def check_operation(operation, headers: dict) -> None:
    """Generated requests of one operation; every response as described."""

    @settings(
        max_examples=10,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def answers_as_described(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    answers_as_described()


def test_every_operation_answers_as_described(api_schema, readers):
    """Each operation, as a visitor and as a member holding a personal token."""
    _token, key = APIToken.create_token(user=readers["member"], name="schemathesis")
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 8
    for operation in operations:
        check_operation(operation, {})
        check_operation(operation, {"Authorization": f"Token {key}"})
