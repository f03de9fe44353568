"""What an engine search costs, on the real OpenSearch and Elasticsearch nodes:
misspellings are tolerated only when the words as typed find few matches, and
the facets of a broad search are counted over a sample of its best matches
(estimated, as the database backend's broad searches are)."""

import pytest

from search.backends.elasticsearch import querying
from search.faceted import SearchQuery
from search.permissions import PUBLIC_SCOPE

from .conftest import make_document
from .test_engines import engine, node, searches_made  # noqa: F401 - fixtures

pytestmark = pytest.mark.search


def test_words_that_find_enough_are_searched_once_without_fuzziness(engine, node):  # noqa: F811
    engine.bulk(
        [make_document(title=f"School census round {n}") for n in range(6)]
        + [make_document(title="School cenus form")]
    )
    before = searches_made(node, engine)

    results = engine.search(SearchQuery(text="census"), PUBLIC_SCOPE)

    assert searches_made(node, engine) - before == 1
    assert results.total == 6
    assert "School cenus form" not in [hit.title for hit in results.hits]


def test_words_that_find_few_are_searched_again_with_misspellings(engine, node):  # noqa: F811
    engine.bulk([make_document(title="Interoperability toolkit")])
    before = searches_made(node, engine)

    results = engine.search(SearchQuery(text="interoperabilty"), PUBLIC_SCOPE)

    assert [hit.title for hit in results.hits] == ["Interoperability toolkit"]
    assert searches_made(node, engine) - before == 2


def test_facets_of_a_broad_search_are_scaled_from_its_best_matches(
    engine,  # noqa: F811
    monkeypatch,
):
    engine.bulk(
        [make_document(title=f"Census {n}", tags=["census"]) for n in range(10)]
    )
    monkeypatch.setattr(querying, "FACET_SAMPLE", 4)

    broad = engine.search(SearchQuery(text="census"), PUBLIC_SCOPE)

    assert broad.total == 10 and not broad.total_approximate
    assert broad.facets_approximate
    kinds = {b.value: b.count for b in broad.facets["kind"].buckets}
    assert kinds == {"resource": 10}  # 4 sampled, each worth 10 / 4


def test_facets_of_a_search_within_the_sample_are_exact(engine, monkeypatch):  # noqa: F811
    engine.bulk(
        [make_document(title=f"Census {n}", tags=["census"]) for n in range(3)]
        + [make_document(title=f"Census grant {n}", tags=["grants"]) for n in range(2)]
    )
    monkeypatch.setattr(querying, "FACET_SAMPLE", 5)

    results = engine.search(SearchQuery(text="census"), PUBLIC_SCOPE)

    assert results.total == 5
    assert not results.facets_approximate
    tags = {b.value: b.count for b in results.facets["tag"].buckets}
    assert tags == {"census": 3, "grants": 2}
