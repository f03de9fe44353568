"""Liveness is cheap; readiness checks the database, the engine and the queue
and tells the public nothing but ready or not."""

import pytest

from portal.tasks import outbox_send
from tests.factories import UserFactory
from tests.factories.users import StaffFactory


@pytest.mark.django_db
def test_liveness_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_tells_the_public_only_ready_or_not(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


@pytest.mark.django_db
def test_readiness_details_need_the_token_or_staff(client, settings):
    settings.READINESS_TOKEN = "s3cret-token"

    wrong = client.get("/readyz", headers={"X-Readiness-Token": "guess"}).json()
    right = client.get("/readyz", headers={"X-Readiness-Token": "s3cret-token"})
    client.force_login(UserFactory())
    member = client.get("/readyz").json()
    client.force_login(StaffFactory())
    staff = client.get("/readyz").json()

    assert "checks" not in wrong and "checks" not in member
    checks = right.json()["checks"]
    assert set(checks) == {"database", "search", "queue", "outbox"}
    assert checks["search"]["serving"] == "database"
    assert staff["checks"]["queue"]["ok"] is True


@pytest.mark.django_db
def test_a_queue_deeper_than_the_limit_is_not_ready(client, settings):
    settings.READINESS_MAX_QUEUE = 1
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    outbox_send.enqueue()
    assert client.get("/readyz").status_code == 200
    outbox_send.enqueue()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "not ready"}


@pytest.mark.django_db
def test_public_health_answers_show_no_counts_or_addresses(client, settings):
    """An engine with credentials in its address, mail waiting in the outbox and
    tasks in the queue: the public still reads only ok / ready."""
    from search.backends import reset_backends

    settings.PORTAL_SEARCH_BACKENDS = {
        **settings.PORTAL_SEARCH_BACKENDS,
        "opensearch": {
            "BACKEND": "search.backends.elasticsearch.OpenSearchSearchBackend",
            "URL": "http://ops:hunter2@10.11.12.13:9200",
            "TIMEOUT": 0.2,
        },
    }
    settings.SEARCH_ENGINE = "opensearch"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    reset_backends()
    outbox_send.enqueue()

    bodies = [client.get(path).content.decode() for path in ("/healthz", "/livez")]
    ready = client.get("/readyz")

    assert bodies == ['{"status": "ok"}', '{"status": "ok"}']
    assert ready.json() == {"status": "ready"}
    assert "10.11.12.13" not in ready.content.decode()
    reset_backends()
