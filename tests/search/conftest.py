"""Search test fixtures: synthetic documents and one fixture per backend.

OpenSearch and Elasticsearch are real nodes (tests/engines), both started once
per session the first time a test asks for one; each test gets indices of its
own (a fresh index prefix) that are deleted after it. Without Java or Maven the
engine tests skip with the reason, except under CI=true, where they fail.
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


BACKENDS = ["database", "opensearch", "elasticsearch"]
ENGINE_CLASSES = {
    "opensearch": OpenSearchSearchBackend,
    "elasticsearch": ElasticsearchSearchBackend,
}


@pytest.fixture(scope="session")
def search_engines():
    """Both real engine nodes, started together (in parallel) once per session."""
    from tests import engines

    nodes, problems = {}, {}
    for name in engines.ENGINES:
        try:
            nodes[name] = engines.start(name)
        except engines.EngineUnavailable as error:
            problems[name] = str(error)
    for name, node in list(nodes.items()):
        try:
            node.wait()
        except RuntimeError as error:
            problems[name] = str(error)
            del nodes[name]
    yield nodes, problems
    for node in nodes.values():
        engines.cleanup(node)


def engine_node(request, name: str):
    """The running node of ``name``, or a skip (a failure under CI) saying why."""
    nodes, problems = request.getfixturevalue("search_engines")
    if name in nodes:
        return nodes[name]
    reason = f"{name} not started: {problems.get(name)}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def engine_prefix() -> str:
    return f"t{uuid.uuid4().hex[:12]}"


def delete_prefix(url: str, prefix: str) -> None:
    """Drop every index a test made (its indices all start with its prefix)."""
    import urllib.request

    request = urllib.request.Request(f"{url}/{prefix}-*", method="DELETE")
    try:
        urllib.request.urlopen(request, timeout=30).close()
    except OSError:
        pass


def new_engine(name: str, url: str, **params):
    return ENGINE_CLASSES[name](
        name,
        url=url,
        index_prefix=params.pop("index_prefix", engine_prefix()),
        timeout=params.pop("timeout", 10),
        refresh=params.pop("refresh", True),
        alias_grace=params.pop("alias_grace", 0.5),
        **params,
    )


@pytest.fixture(params=BACKENDS)
def backend(request, db):
    """Each backend, empty, for the contract suite."""
    if request.param == "database":
        yield DatabaseSearchBackend("database")
        return
    node = engine_node(request, request.param)
    engine = new_engine(request.param, node.url)
    engine.ensure_index()
    yield engine
    engine.close()
    delete_prefix(node.url, engine.alias.removesuffix("-documents"))


@pytest.fixture
def engine_url(request):
    """``engine_url("opensearch")``: the URL of a running node (or a skip)."""
    return lambda name: engine_node(request, name).url


@pytest.fixture(params=BACKENDS)
def search_engine(request, settings, db):
    """Each backend as the site's SEARCH_ENGINE, configured with empty indices
    of its own; yields the backend name."""
    name = request.param
    if name == "database":
        settings.SEARCH_ENGINE = "database"
        yield name
        return
    node = engine_node(request, name)
    prefix = engine_prefix()
    configure_engine(settings, name, node.url, index_prefix=prefix)
    new_engine(name, node.url, index_prefix=prefix).ensure_index()
    yield name
    delete_prefix(node.url, prefix)


def configure_engine(settings, name: str, url: str, **options) -> None:
    """Make ``name`` the site's engine at ``url`` (plus OPTIONS-style keys)."""
    config = {
        "BACKEND": f"search.backends.elasticsearch.{ENGINE_CLASSES[name].__name__}",
        "URL": url,
        "INDEX_PREFIX": options.pop("index_prefix", engine_prefix()),
        "TIMEOUT": options.pop("timeout", 10),
        "REFRESH": options.pop("refresh", True),
    }
    config.update({key.upper(): value for key, value in options.items()})
    settings.PORTAL_SEARCH_BACKENDS = {
        **settings.PORTAL_SEARCH_BACKENDS,
        name: config,
    }
    settings.SEARCH_ENGINE = name


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
