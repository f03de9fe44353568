"""Engine-specific behaviour, on the real OpenSearch and Elasticsearch nodes:
bad queries, a missing index, race-free index creation, bulk failures, index
settings and health, stable ordering, facets, highlighting, spelling, Chinese,
connection options (issue 10's defects 1-5 and 7-12)."""

import json
import random
import threading
import tomllib
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from search import selectors
from search.backends import (
    IndexMissing,
    SearchEngineUnavailable,
    database_backend,
    get_search_backend,
)
from search.backends.elasticsearch import bulk as bulk_helpers
from search.faceted import FACET_SIZE, SearchQuery, Sort
from search.permissions import PUBLIC_SCOPE, SearchScope
from search.services import search_status

from .conftest import (
    configure_engine,
    delete_prefix,
    engine_node,
    engine_prefix,
    make_document,
    new_engine,
)

pytestmark = pytest.mark.search

STAFF = SearchScope(all=True)


@pytest.fixture(params=["opensearch", "elasticsearch"])
def node(request):
    return engine_node(request, request.param)


@pytest.fixture
def engine(node, db):
    """An engine backend with an empty index of its own."""
    backend = new_engine(node.name, node.url)
    backend.ensure_index()
    yield backend
    backend.close()
    delete_prefix(node.url, backend.alias.removesuffix("-documents"))


@pytest.fixture
def site_engine(node, settings, db):
    """The node as the site's engine, with no index yet (before any reindex)."""
    prefix = engine_prefix()
    configure_engine(settings, node.name, node.url, index_prefix=prefix)
    yield get_search_backend(node.name)
    delete_prefix(node.url, prefix)


def http(node, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{node.url}{path}",
        data=data,
        method=method,
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def titles(results):
    return [hit.title for hit in results.hits]


# 1. A query the engine rejects is a bad query, not an outage -------------------


def test_a_very_long_query_stays_within_the_engines_clause_limit(engine):
    words = [f"w{n}x" for n in range(400)]
    engine.bulk([make_document(title="Every word", body=" ".join(words))])

    results = engine.search(SearchQuery(text=" ".join(words)), PUBLIC_SCOPE)

    assert titles(results) == ["Every word"]


def test_a_rejected_query_is_answered_by_the_database_and_pauses_nothing(
    site_engine, caplog
):
    site_engine.ensure_index()
    documents = [make_document(title=f"School grants {n}") for n in range(3)]
    database_backend().bulk(documents)
    site_engine.bulk(documents, refresh=True)

    # Past the engine's result window (10,000 hits): it answers 400.
    far = selectors.search_run(query=SearchQuery(text="grants", page=2000))
    near = selectors.search_run(query=SearchQuery(text="grants"))

    assert far.results.engine == "database"
    assert not selectors.engine_is_paused(site_engine.name)
    assert "rejected a query" in caplog.text
    assert near.results.engine == site_engine.name
    assert near.results.total == 3


# 3. Before the first reindex, the database answers and health says why ---------


def test_before_the_first_reindex_the_database_answers_and_health_says_so(
    site_engine, client, settings
):
    database_backend().bulk([make_document(title="Census handbook")])
    settings.READINESS_TOKEN = "ops-token"

    outcome = selectors.search_run(query=SearchQuery(text="census"))
    readiness = client.get("/readyz", headers={"X-Readiness-Token": "ops-token"})
    health = readiness.json()["checks"]["search"]
    rows = {row["backend"]: row for row in search_status()}

    assert titles(outcome.results) == ["Census handbook"]
    assert outcome.results.engine == "database"
    assert health["status"] == "missing"
    assert health["serving"] == "database"
    assert "search_reindex" in health["error"]
    assert rows[site_engine.name]["documents"] is None
    assert "search_reindex" in rows[site_engine.name]["error"]


def test_a_write_before_the_first_reindex_creates_no_index(site_engine):
    with pytest.raises(IndexMissing):
        site_engine.bulk([make_document(title="Lonely first document")])

    assert site_engine.alias_targets() == []  # no one-document index


def test_suggestions_fall_back_to_the_database_without_an_index(site_engine, client):
    database_backend().bulk([make_document(title="Grants handbook")])

    response = client.get(reverse("search_suggest"), {"q": "grants"})

    assert "Grants handbook" in [s["text"] for s in response.json()["suggestions"]]


# 4. Index and alias creation is race-free --------------------------------------


def test_writes_never_create_a_dynamically_mapped_index_under_the_alias(engine, node):
    engine.bulk([make_document(title="Before")])
    other_process = new_engine(
        node.name, node.url, index_prefix=engine.alias.removesuffix("-documents")
    )
    other_process.clear()  # e.g. an operator dropped the index meanwhile

    with pytest.raises(SearchEngineUnavailable):
        engine.bulk([make_document(title="After")])

    assert other_process.health()["status"] == "missing"
    indices = http(node, "GET", f"/_cat/indices/{engine.alias}*?format=json")
    assert indices == []


def test_concurrent_first_writers_leave_one_index_under_the_alias(node, db):
    prefix = engine_prefix()
    backends = [new_engine(node.name, node.url, index_prefix=prefix) for _ in range(4)]
    barrier = threading.Barrier(len(backends))
    created = []

    def create(backend):
        barrier.wait()
        created.append(backend.ensure_index())

    threads = [threading.Thread(target=create, args=(b,)) for b in backends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert len(backends[0].alias_targets()) == 1
        mapping = http(node, "GET", f"/{prefix}-documents/_mapping")
        (index_mapping,) = mapping.values()
        assert index_mapping["mappings"]["dynamic"] == "strict"
        assert created.count(True) == 1  # the others saw it was there
    finally:
        delete_prefix(node.url, prefix)


def test_reindex_swaps_the_alias_under_concurrent_reads(engine, node):
    """Readers see the complete old index, then the complete new one: never an
    error, an empty or a half-loaded index."""
    engine.bulk([make_document(title=f"Old handbook {n}") for n in range(50)])
    engine.alias_grace = engine.timeout  # as in production: the search timeout
    reader = new_engine(
        node.name, node.url, index_prefix=engine.alias.removesuffix("-documents")
    )
    seen, errors = [], []
    done = threading.Event()

    def read():
        while not done.is_set():
            try:
                query = SearchQuery(text="handbook", per_page=1)
                seen.append(reader.search(query, PUBLIC_SCOPE).total)
            except Exception as error:  # noqa: BLE001 - any failure is the finding
                errors.append(error)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        engine.reindex(
            iter([make_document(title=f"New handbook {n}") for n in range(300)]),
            batch_size=50,
        )
    finally:
        done.set()
        thread.join()
    reader.close()

    assert errors == []
    assert seen and set(seen) <= {50, 300}
    assert engine.search(SearchQuery(text="handbook"), PUBLIC_SCOPE).total == 300


# 5. Bulk: permanent failures are reported and skipped, chunks stay small --------


def test_a_document_the_engine_refuses_is_skipped_and_reported(engine):
    good = [make_document(title="Good one"), make_document(title="Good two")]
    bad = make_document(title="Broken year", year=3_000_000_000)

    indexed = engine.bulk([good[0], bad, good[1]])

    assert indexed == 2
    assert [key for key, _reason in engine.last_failures] == [bad.key]
    assert sorted(titles(engine.search(SearchQuery(text="good"), PUBLIC_SCOPE))) == [
        "Good one",
        "Good two",
    ]


def test_bulk_requests_are_cut_into_chunks_of_a_few_megabytes():
    documents = [make_document(body="x" * 30_000) for _ in range(40)]
    actions = [({"index": {"_id": d.key}}, d.as_engine_source()) for d in documents]

    chunks = list(bulk_helpers.chunks(actions, max_bytes=100_000))

    assert sum(len(chunk.keys) for chunk in chunks) == 40
    assert all(chunk.size <= 100_000 for chunk in chunks)
    assert len(chunks) > 10


def test_a_busy_engine_is_retried_with_back_off_then_given_up(engine):
    """429 answers are retried (with growing pauses) and succeed when the engine
    takes the write; a document refused for good is not retried at all."""
    answers = []
    waits = []

    def busy_then_real(payload):
        answers.append(payload)
        if len(answers) == 1:
            items = payload.decode().splitlines()[::2]
            return {
                "items": [
                    {"index": {"status": 429, "error": {"type": "es_rejected"}}}
                    for _ in items
                ]
            }
        return engine._post_bulk(payload, "true")

    documents = [make_document(title=f"Busy {n}") for n in range(3)]
    report = bulk_helpers.send(
        busy_then_real,
        (
            ({"index": {"_index": engine.alias, "_id": d.key}}, d.as_engine_source())
            for d in documents
        ),
        sleep=waits.append,
    )

    assert report.ok == 3
    assert len(answers) == 2
    assert waits == [bulk_helpers.BACKOFF_SECONDS]
    assert engine.count() == 3


def test_an_engine_busy_after_every_retry_fails_the_write_as_a_whole():
    """Still 429 after the last retry: the engine's state, not the documents'
    fault. The write raises (and waits in the retry queue) instead of
    reporting the documents as refused for good."""
    waits = []

    def always_busy(payload):
        items = payload.decode().splitlines()[::2]
        return {
            "items": [
                {"index": {"status": 429, "error": {"type": "es_rejected"}}}
                for _ in items
            ]
        }

    documents = [make_document(title=f"Busy {n}") for n in range(2)]
    with pytest.raises(SearchEngineUnavailable):
        bulk_helpers.send(
            always_busy,
            (
                (
                    {"index": {"_id": d.key}},
                    d.as_engine_source(),
                )
                for d in documents
            ),
            sleep=waits.append,
        )

    assert len(waits) == bulk_helpers.RETRIES


# 7. Replicas, refresh and health -----------------------------------------------


def test_indices_expand_replicas_and_leave_refresh_to_the_engine(engine, node):
    engine.reindex([make_document(title="Settings check")])

    (index,) = engine.alias_targets()
    settings = http(node, "GET", f"/{index}/_settings")[index]["settings"]["index"]

    assert settings["auto_expand_replicas"] == "0-1"
    assert "refresh_interval" not in settings


def test_health_is_the_aliases_own_not_the_clusters(engine, node):
    broken = f"{engine.alias.removesuffix('-documents')}-other-red"
    http(
        node,
        "PUT",
        f"/{broken}?wait_for_active_shards=0",
        {
            "settings": {
                "number_of_shards": 1,
                "number_of_replicas": 0,
                "index.routing.allocation.require._name": "no-such-node",
            }
        },
    )
    assert http(node, "GET", "/_cluster/health")["status"] == "red"

    health = engine.health()

    assert health["status"] == "ok"
    assert health["indices"] == engine.alias_targets()


# 8. Stable ordering --------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "same"], ids=["browse", "search"])
def test_equal_hits_keep_one_order_across_pages(engine, text):
    same_day = datetime(2024, 5, 1, tzinfo=UTC)
    documents = [
        make_document(object_id=1000 + n, title="Same title", date=same_day)
        for n in range(25)
    ]
    random.Random(7).shuffle(documents)
    engine.bulk(documents)

    seen = []
    for page in (1, 2, 3):
        query = SearchQuery(text=text, page=page, per_page=10, sort=Sort.RELEVANCE)
        seen += [hit.key for hit in engine.search(query, PUBLIC_SCOPE).hits]

    assert seen == sorted(d.key for d in documents)


# 9. Facets and tag suggestions ---------------------------------------------------


def test_a_selected_facet_value_shows_its_true_count(engine):
    documents = [
        make_document(title=f"Common {tag} {n}", tags=[f"common-{tag:02d}"])
        for tag in range(FACET_SIZE + 2)
        for n in range(3)
    ]
    documents += [make_document(title=f"Rare {n}", tags=["rare"]) for n in range(2)]
    engine.bulk(documents)

    results = engine.search(SearchQuery(filters={"tag": ("rare",)}), PUBLIC_SCOPE)

    buckets = {b.value: b.count for b in results.facets["tag"].buckets}
    assert results.total == 2
    assert buckets["rare"] == 2


def test_tag_suggestions_find_a_rare_tag_among_popular_ones(engine):
    popular = [f"topic-{n:02d}" for n in range(35)]
    documents = [
        make_document(title=f"Zetland survey {n}", tags=popular[n % 35 : n % 35 + 5])
        for n in range(60)
    ]
    documents.append(make_document(title="Island notes", tags=["zetaform"]))
    engine.bulk(documents)

    suggestions = engine.suggest("zet", PUBLIC_SCOPE)

    assert "zetaform" in [s.text for s in suggestions if s.kind == "tag"]


# 10. Highlighting and spelling --------------------------------------------------


def test_long_bodies_are_highlighted_from_stored_offsets(engine, node):
    body = "filler text " * 12_000 + "the rare ombudsman appears here"
    engine.bulk([make_document(title="Long report", body=body)])

    (hit,) = engine.search(SearchQuery(text="ombudsman"), PUBLIC_SCOPE).hits
    (index,) = engine.alias_targets()
    mapping = http(node, "GET", f"/{index}/_mapping")[index]["mappings"]

    assert "\ufff9ombudsman\ufffb" in hit.snippet
    assert mapping["properties"]["body"]["index_options"] == "offsets"
    assert mapping["properties"]["body_en"]["index_options"] == "offsets"


def searches_made(node, engine) -> int:
    stats = http(node, "GET", f"/{engine.alias}/_stats/search")
    return stats["_all"]["primaries"]["search"]["query_total"]


def test_did_you_mean_costs_at_most_one_more_search(engine, node):
    engine.bulk(
        [
            make_document(title="Education statistics yearbook"),
            make_document(title="Statistics capacity in districts"),
        ]
    )
    before = searches_made(node, engine)

    results = engine.search(SearchQuery(text="statisticss"), PUBLIC_SCOPE)

    assert results.suggestion == "statistics"
    assert searches_made(node, engine) - before <= 2


def test_autocorrect_shows_the_corrected_results_unless_asked_not_to(engine):
    engine.bulk([make_document(title="School grants handbook")])

    corrected = engine.search(SearchQuery(text="granz"), PUBLIC_SCOPE)
    exact = engine.search(SearchQuery(text="granz", autocorrect=False), PUBLIC_SCOPE)

    assert corrected.corrected_text == "grants"
    assert titles(corrected) == ["School grants handbook"]
    assert exact.total == 0
    assert exact.suggestion == "grants"


# 11. Chinese ------------------------------------------------------------------


def test_chinese_words_do_not_match_their_scattered_characters(engine):
    engine.bulk(
        [
            make_document(title="教育统计年鉴", language="zh"),
            make_document(title="计划统一育儿宗教", language="zh"),
        ]
    )

    results = engine.search(SearchQuery(text="教育统计"), PUBLIC_SCOPE)

    assert titles(results) == ["教育统计年鉴"]


# 12. Dependencies ---------------------------------------------------------------


def test_the_dsl_comes_from_the_elasticsearch_client_itself():
    """The declared dependencies (pyproject.toml, not whatever the virtualenv
    happens to have installed) hold no elasticsearch-dsl."""
    project = tomllib.loads(
        (Path(django_settings.BASE_DIR) / "pyproject.toml").read_text()
    )
    requirements = [
        *project["project"]["dependencies"],
        *(
            r
            for extra in project["project"].get("optional-dependencies", {}).values()
            for r in extra
        ),
    ]

    assert any(r.startswith("elasticsearch") for r in requirements)
    assert not [
        r for r in requirements if r.replace("_", "-").startswith("elasticsearch-dsl")
    ]
    import elasticsearch.dsl  # noqa: F401 - shipped inside the client


# 2. Connection options ----------------------------------------------------------


def test_options_and_environment_configure_auth_tls_and_compression(
    node, settings, monkeypatch, db
):
    prefix = node.name.upper()
    monkeypatch.setenv(f"{prefix}_USERNAME", "portal")
    monkeypatch.setenv(f"{prefix}_PASSWORD", "from-the-environment")
    monkeypatch.setenv(f"{prefix}_VERIFY_CERTS", "false")
    configure_engine(
        settings,
        node.name,
        node.url,
        options={"headers": {"x-opaque-id": "portal-tests"}, "http_compress": True},
    )

    backend = get_search_backend(node.name)
    backend.ensure_index()
    backend.bulk([make_document(title="Secured cluster check")], refresh=True)

    assert backend.options["basic_auth"] == ("portal", "from-the-environment")
    assert backend.options["verify_certs"] is False
    assert backend.options["headers"] == {"x-opaque-id": "portal-tests"}
    assert titles(backend.search(SearchQuery(text="secured"), STAFF)) == [
        "Secured cluster check"
    ]
    delete_prefix(node.url, backend.alias.removesuffix("-documents"))


def test_unknown_options_are_refused(node, settings, db):
    configure_engine(settings, node.name, node.url, options={"pasword": "typo"})

    with pytest.raises(ValueError, match="pasword"):
        get_search_backend(node.name)
