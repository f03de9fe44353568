"""Engine writes never run in a user's request (issue 10, defect 6), on the real
OpenSearch and Elasticsearch nodes and the real task queue: a publish only
queues the write, the worker applies it; an engine that refuses writes (its
index blocked, as a full disk's flood stage does) never fails a publish, and
the write waits in the retry queue until the scheduler's retry job applies it.

These tests commit (transactional): the publish's transaction commits, its
on-commit work enqueues a row in django-tasks-db's table and the worker's own
code runs it."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from portal.settings import base as base_settings
from search.backends import database_backend, get_search_backend
from search.faceted import SearchQuery
from search.models import PendingIndexOperation
from search.permissions import PUBLIC_SCOPE
from tests.factories import ResourceFactory
from tests.production.conftest import run_job, run_worker

from .conftest import configure_engine, delete_prefix, engine_node, engine_prefix
from .test_engines import http

pytestmark = [pytest.mark.search, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=["opensearch", "elasticsearch"])
def site_engine(request, settings, home_page):
    """The node as the site's engine (with its index) and the real task queue."""
    node = engine_node(request, request.param)
    prefix = engine_prefix()
    configure_engine(settings, node.name, node.url, index_prefix=prefix)
    # The production setting (the test settings run tasks immediately).
    settings.TASKS = base_settings.TASKS
    engine = get_search_backend(node.name)
    engine.ensure_index()
    yield node, engine
    delete_prefix(node.url, prefix)


def found(backend, text):
    results = backend.search(SearchQuery(text=text), PUBLIC_SCOPE)
    return [hit.title for hit in results.hits]


def queued_index_tasks():
    return DBTaskResult.objects.filter(
        task_path__startswith="search.tasks", status=TaskResultStatus.READY
    )


def block_writes(node, engine, blocked: bool) -> None:
    """The engine refuses every write to the index (reads still answer)."""
    for index in engine.alias_targets():
        http(node, "PUT", f"/{index}/_settings", {"index.blocks.write": blocked})


def test_a_publish_only_queues_the_engine_write_and_the_worker_applies_it(
    site_engine,
):
    node, engine = site_engine

    ResourceFactory(title="Quinoa harvest statistics")

    # The publish itself asked the engine nothing: the write is a queued task.
    assert engine.count() == 0
    assert not PendingIndexOperation.objects.exists()
    assert queued_index_tasks().exists()

    run_worker()

    assert not queued_index_tasks().exists()
    assert found(engine, "quinoa") == ["Quinoa harvest statistics"]
    assert not PendingIndexOperation.objects.exists()


def test_an_engine_refusing_writes_never_fails_a_publish_and_catches_up(
    site_engine,
):
    node, engine = site_engine
    block_writes(node, engine, True)

    resource = ResourceFactory(title="Sorghum yield survey")

    assert not PendingIndexOperation.objects.exists()  # nothing tried yet
    assert queued_index_tasks().exists()
    run_worker()  # the engine refuses the write: it waits in the retry queue
    pending = PendingIndexOperation.objects.get(object_id=resource.pk)
    assert pending.backend == node.name
    assert found(database_backend(), "sorghum") == ["Sorghum yield survey"]
    assert found(engine, "sorghum") == []
    page = Client().get(reverse("search"), {"q": "sorghum"})
    assert page.status_code == 200  # the engine still answers searches
    assert resource.url not in page.text

    block_writes(node, engine, False)
    # The retry job's back-off has passed since the refusal.
    PendingIndexOperation.objects.update(
        updated_at=F("updated_at") - timedelta(hours=1)
    )
    assert run_job("search_retry")

    assert found(engine, "sorghum") == ["Sorghum yield survey"]
    assert not PendingIndexOperation.objects.exists()
    page = Client().get(reverse("search"), {"q": "sorghum"})
    assert resource.url in page.text  # the hit's link (its title is highlighted)
