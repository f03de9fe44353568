"""Search test fixtures: synthetic documents and one fixture per backend.

The OpenSearch path runs against osmem-server (an in-memory OpenSearch-compatible
engine started once per session, cloned per test); Elasticsearch runs only when
ELASTICSEARCH_URL points at a real server.
"""

import itertools
import os
import uuid
from datetime import UTC, datetime

import pytest

from search.backends.database import DatabaseSearchBackend
from search.backends.elasticsearch import (
    ElasticsearchSearchBackend,
    OpenSearchSearchBackend,
)
from search.documents import Kind, SearchDocument

_ids = itertools.count(1)


def make_document(**fields) -> SearchDocument:
    """A synthetic search document; every field can be overridden."""
    object_id = fields.pop("object_id", next(_ids))
    defaults = {
        "source": "test.item",
        "object_id": object_id,
        "kind": Kind.RESOURCE,
        "title": f"Item {object_id}",
        "url": f"/items/{object_id}/",
        "summary": "",
        "body": "",
        "date": datetime(2024, 1, 1, tzinfo=UTC),
    }
    defaults.update(fields)
    return SearchDocument(**defaults)


@pytest.fixture(scope="session")
def osmem_server():
    """One osmem-server for the session (overrides the plugin's: no Japanese)."""
    from osmem_server import OsmemServer

    server = OsmemServer.start(japanese=False)
    yield server
    server.close()


def opensearch_backend(url: str, **params) -> OpenSearchSearchBackend:
    return OpenSearchSearchBackend(
        "opensearch",
        url=url,
        index_prefix=params.pop("index_prefix", "test"),
        timeout=params.pop("timeout", 5),
        refresh=True,
        **params,
    )


@pytest.fixture(params=["database", "opensearch", "elasticsearch"])
def backend(request, db):
    """Each backend, empty, for the contract suite."""
    if request.param == "database":
        yield DatabaseSearchBackend("database")
    elif request.param == "opensearch":
        clone = request.getfixturevalue("osmem_clone")
        engine = opensearch_backend(clone.url)
        yield engine
        engine.close()
    else:
        url = os.environ.get("ELASTICSEARCH_URL")
        if not url:
            pytest.skip(
                "Elasticsearch contract not run: set ELASTICSEARCH_URL to a "
                "real Elasticsearch 8 server to run it"
            )
        engine = ElasticsearchSearchBackend(
            "elasticsearch",
            url=url,
            index_prefix=f"test-{uuid.uuid4().hex[:10]}",
            timeout=10,
            refresh=True,
        )
        yield engine
        engine.clear()
        engine.close()


@pytest.fixture(autouse=True)
def _fresh_engine_state():
    """Backends and the engine circuit breaker are per process: reset per test."""
    from search import selectors
    from search.backends import reset_backends

    selectors._engine_down_until.clear()
    reset_backends()
    yield
    selectors._engine_down_until.clear()
    reset_backends()
