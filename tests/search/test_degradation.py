"""When the configured engine is down or slow, searches are answered from the
database backend, the page says so, and nothing answers 500. Every test runs
for OpenSearch and Elasticsearch (the client and error handling differ)."""

import socket
import threading

import pytest
from django.urls import reverse

from search import selectors
from search.backends import database_backend, get_search_backend

from .conftest import configure_engine, delete_prefix, engine_prefix, make_document

pytestmark = pytest.mark.search


@pytest.fixture(params=["opensearch", "elasticsearch"])
def engine_name(request):
    return request.param


def engine_settings(settings, url, timeout=0.5, name="opensearch", **options):
    configure_engine(settings, name, url, timeout=timeout, **options)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_server():
    """Accepts connections and never answers: an engine slower than any timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    stop = threading.Event()
    held = []

    def serve():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _address = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(2)
    for connection in held:
        connection.close()
    server.close()


@pytest.fixture
def documents(db):
    database_backend().bulk(
        [
            make_document(title="Lessons learned on school grants", tags=["grants"]),
            make_document(title="School grants handbook", tags=["grants"]),
        ]
    )


@pytest.fixture
def engine_down(settings, documents, engine_name):
    engine_settings(settings, f"http://127.0.0.1:{closed_port()}", name=engine_name)


@pytest.fixture
def engine_slow(settings, documents, silent_server, engine_name):
    engine_settings(settings, silent_server, timeout=0.3, name=engine_name)


@pytest.mark.parametrize("engine", ["engine_down", "engine_slow"])
def test_page_answers_from_the_database_and_says_so(
    client, request, engine, engine_name
):
    request.getfixturevalue(engine)

    response = client.get(reverse("search"), {"q": "school grants"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "come from the portal&#x27;s database" in content
    assert "School grants handbook" in " ".join(
        content.replace("<mark>", "").replace("</mark>", "").split()
    )


@pytest.mark.parametrize("engine", ["engine_down", "engine_slow"])
def test_api_and_autocomplete_fall_back_too(client, request, engine, engine_name):
    request.getfixturevalue(engine)

    api = client.get(reverse("search_api"), {"q": "grants"})
    suggest = client.get(reverse("search_suggest"), {"q": "school"})

    assert api.status_code == 200
    assert api.json()["degraded"] is True
    assert api.json()["total"] == 2
    assert api.json()["notice"]
    assert suggest.status_code == 200
    assert "School grants handbook" in [
        s["text"] for s in suggest.json()["suggestions"]
    ]


def test_a_failed_engine_is_skipped_for_a_while(
    client, engine_slow, engine_name, monkeypatch
):
    client.get(reverse("search_api"), {"q": "grants"})
    assert selectors.engine_is_paused(engine_name)
    engine_calls = []
    engine_class = type(get_search_backend())
    monkeypatch.setattr(
        engine_class, "search", lambda *args, **kwargs: engine_calls.append(args)
    )

    response = client.get(reverse("search_api"), {"q": "grants"})

    assert response.json()["degraded"] is True
    assert engine_calls == []  # the paused engine was not asked again


def test_readiness_reports_the_engine_unavailable_and_the_fallback(
    client, engine_down, engine_name, settings
):
    settings.READINESS_TOKEN = "ops-token"
    data = client.get("/readyz", headers={"X-Readiness-Token": "ops-token"}).json()
    search = data["checks"]["search"]

    assert data["status"] == "ready"  # the portal is up; search is degraded
    assert search["engine"] == engine_name
    assert search["status"] == "unavailable"
    assert search["serving"] == "database"
    assert search["fallback"]["documents"] == 2


def test_engine_recovers_when_it_answers_again(
    client, settings, documents, engine_name, engine_url
):
    prefix = engine_prefix()
    engine_settings(
        settings,
        f"http://127.0.0.1:{closed_port()}",
        name=engine_name,
        index_prefix=prefix,
    )
    assert client.get(reverse("search_api"), {"q": "grants"}).json()["degraded"]

    url = engine_url(engine_name)
    engine_settings(settings, url, timeout=5, name=engine_name, index_prefix=prefix)
    selectors.engine_recovered(engine_name)
    get_search_backend(engine_name).ensure_index()
    get_search_backend(engine_name).bulk(
        [make_document(title="Grants in the engine only")], refresh=True
    )
    data = client.get(reverse("search_api"), {"q": "grants"}).json()
    delete_prefix(url, prefix)

    assert data["degraded"] is False
    assert data["engine"] == engine_name
    assert [h["title"] for h in data["hits"]] == ["Grants in the engine only"]
