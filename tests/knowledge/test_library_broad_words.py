"""A broad text in the library (more matches than ``BROAD_MATCHES``): ranked
within a window of its newest matches, as the search backend does, its counts
kept like those of the other views, in as many queries for 30 matches as for
10. The threshold is lowered so a small library has broad words."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge import library_words, selectors
from tests.knowledge.test_library import bulk_resources, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def broad_from_three(monkeypatch):
    monkeypatch.setattr(library_words, "BROAD_MATCHES", 3)
    library_words.is_broad.cache_clear()
    yield
    library_words.is_broad.cache_clear()


def test_a_broad_text_ranked_in_its_window_lists_what_ranking_every_match_does(
    client, library, group, broad_from_three, monkeypatch
):
    bulk_resources(library, group, 12)
    url = "/knowledge/?q=bulk+resource&sort=relevance"
    assert library_words.is_broad("bulk resource")

    windowed = client.get(url)
    monkeypatch.setattr(selectors, "RANK_WINDOW_MAX", 0)  # rank every match
    every_match = client.get(url)

    assert windowed.context["result_count"] == 12
    assert titles(windowed) == titles(every_match)
    assert len(titles(windowed)) == 12
    assert client.get("/knowledge/?q=bulk+resource&page=2").status_code == 200


def test_a_broad_text_needs_as_many_queries_for_30_matches_as_for_10(
    client, library, group, broad_from_three
):
    url = "/knowledge/?q=bulk+resource&sort=relevance"
    counts = {}
    for total, start in ((10, 0), (30, 10)):
        bulk_resources(library, group, total - start, start=start)
        client.get(url)  # the kept counts and per-process paths warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.context["result_count"] == total
        counts[total] = len(queries)

    assert counts[30] == counts[10]
