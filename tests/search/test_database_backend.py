"""The database backend bounds the work of broad queries (like Elasticsearch's
total-hits tracking): exact up to a limit, a ranked candidate window beyond."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from search.backends.database import DatabaseSearchBackend
from search.faceted import SearchQuery
from search.permissions import PUBLIC_SCOPE

from .conftest import make_document

pytestmark = pytest.mark.search


@pytest.fixture
def small_limits(db):
    return DatabaseSearchBackend(
        "database", exact_limit=5, broad_limit=12, sample_size=4
    )


def census_corpus(backend, count):
    start = datetime(2024, 1, 1, tzinfo=UTC)
    backend.bulk(
        [
            make_document(
                title=f"Quarterly bulletin {n}",
                body="Notes on the census and other things.",
                format="report" if n % 2 else "dataset",
                date=start + timedelta(days=n),
            )
            for n in range(count)
        ]
        + [
            make_document(
                title="Census handbook",
                format="book",
                date=datetime(2001, 1, 1, tzinfo=UTC),
            )
        ]
    )


def test_small_result_sets_are_exact(small_limits):
    census_corpus(small_limits, 3)

    results = small_limits.search(SearchQuery(text="census"), PUBLIC_SCOPE)

    assert results.total == 4
    assert not results.total_approximate and not results.facets_approximate
    assert results.hits[0].title == "Census handbook"  # title beats body


def test_medium_result_sets_count_exactly_facets_too(small_limits):
    census_corpus(small_limits, 9)

    results = small_limits.search(SearchQuery(text="census"), PUBLIC_SCOPE)

    assert results.total == 10
    assert not results.total_approximate
    # Every match's facet columns are read (no ranking): exact facets.
    assert not results.facets_approximate
    formats = {b.value: b.count for b in results.facets["format"].buckets}
    assert formats == {"report": 4, "dataset": 5, "book": 1}
    # The old title match is not among the newest matches, but the head
    # (title, tags, summary) candidates bring it in, and it ranks first.
    assert results.hits[0].title == "Census handbook"


def test_broad_result_sets_estimate_the_total_and_bound_paging(small_limits):
    census_corpus(small_limits, 30)

    results = small_limits.search(SearchQuery(text="census", per_page=3), PUBLIC_SCOPE)
    far = small_limits.search(
        SearchQuery(text="census", per_page=3, page=2), PUBLIC_SCOPE
    )

    assert results.total_approximate and results.facets_approximate
    assert results.total >= 13
    assert results.hits[0].title == "Census handbook"
    assert results.browsable == 4
    assert results.has_next
    assert len(far.hits) in (1, 2, 3) and not far.has_next
    assert {h.key for h in results.hits}.isdisjoint({h.key for h in far.hits})
    formats = {b.value for b in results.facets["format"].buckets}
    assert formats <= {"report", "dataset", "book"} and formats


def test_the_page_says_when_counts_are_estimated(client, db, settings):
    settings.PORTAL_SEARCH_BACKENDS = {
        **settings.PORTAL_SEARCH_BACKENDS,
        "database": {
            "BACKEND": "search.backends.database.DatabaseSearchBackend",
            "EXACT_LIMIT": 5,
            "BROAD_LIMIT": 12,
            "SAMPLE_SIZE": 4,
        },
    }
    census_corpus(DatabaseSearchBackend("database"), 30)

    content = client.get(reverse("search"), {"q": "census"}).content.decode()
    api = client.get(reverse("search_api"), {"q": "census"}).json()

    assert "About " in content and "results for “census”" in content
    assert "counts are estimated" in content
    assert "≈" in content
    assert api["total_approximate"] is True and api["facets_approximate"] is True


def test_broad_results_honour_exclusions_in_the_head_candidates(small_limits):
    census_corpus(small_limits, 30)
    small_limits.bulk(
        [
            make_document(
                title="Census field manual",
                summary="Census guidance.",
                body="Written and sold by a vendor.",
                date=datetime(2002, 1, 1, tzinfo=UTC),
            )
        ]
    )

    results = small_limits.search(
        SearchQuery(text="census -vendor", per_page=10), PUBLIC_SCOPE
    )

    titles = [hit.title for hit in results.hits]
    assert results.total_approximate
    assert "Census handbook" in titles  # a head match, brought in by its title
    # Its title and summary match, but its body has the excluded word.
    assert "Census field manual" not in titles


def test_broad_filtered_results_count_only_what_the_filters_keep(small_limits):
    census_corpus(small_limits, 30)

    results = small_limits.search(
        SearchQuery(text="census", filters={"format": ("book",)}), PUBLIC_SCOPE
    )

    assert results.total == 1 and not results.total_approximate
    assert [hit.title for hit in results.hits] == ["Census handbook"]
    formats = {b.value: b.count for b in results.facets["format"].buckets}
    assert set(formats) == {"report", "dataset", "book"}


@pytest.mark.parametrize("count", [3, 9, 30])
def test_a_search_makes_a_bounded_number_of_statements_whatever_it_matches(
    small_limits, count, django_assert_max_num_queries
):
    """Selective (3), medium (9) and broad (30 matches, over the limits): a
    few statements, with facets, filters, a phrase and an exclusion, whatever
    the number of matches (at most 11 of its own, when the planner's guesses
    miss as they do on a table this small, plus a savepoint, its release and
    the planner settings' reset inside the test's transaction)."""
    census_corpus(small_limits, count)
    queries = [
        SearchQuery(text="census"),
        SearchQuery(text="census", filters={"format": ("report", "book")}),
        SearchQuery(text='"other things" -handbook'),
        SearchQuery(filters={"format": ("dataset",)}),
    ]
    for query in queries:
        with django_assert_max_num_queries(14):
            results = small_limits.search(query, PUBLIC_SCOPE)
        assert results.hits and results.facets["format"].buckets


@pytest.fixture
def analysed(small_limits):
    """The table's statistics (a date histogram) as ANALYZE leaves them,
    read afresh by the backend before and after the test."""
    from django.db import connection

    from search.backends.database import matching

    matching._HISTOGRAMS.clear()
    yield lambda: connection.cursor().execute("ANALYZE search_document")
    matching._HISTOGRAMS.clear()


def test_a_medium_frequency_word_finds_its_newest_matches_through_a_date_range(
    small_limits, analysed
):
    """A word in a tenth of the documents: the newest-first scan would read
    its whole bound of rows for a few matches; with the table's date
    histogram the newest matches come from a range of the newest dates
    instead. The total is estimated from them, and the page holds the
    newest matches and the title match."""
    start = datetime(2020, 1, 1, tzinfo=UTC)
    small_limits.bulk(
        [
            make_document(
                title=f"Bulletin {n}",
                body="Notes on the census."
                if n % 10 == 0
                else "Notes on other things.",
                date=start + timedelta(days=n),
            )
            for n in range(400)
        ]
        + [make_document(title="Census handbook", body="How to count.", date=start)]
    )
    analysed()

    results = small_limits.search(SearchQuery(text="census", per_page=5), PUBLIC_SCOPE)

    assert results.total_approximate
    assert 20 <= results.total <= 82  # 41 matches
    titles = [hit.title for hit in results.hits]
    assert titles[0] == "Census handbook"
    assert "Bulletin 390" in titles  # the newest match
    assert all("census" in (hit.title + hit.snippet).lower() for hit in results.hits)
