"""The judged query set (search/relevance/demo.json) on the demo content, on
every backend: a ranking change that puts the answers lower fails the build.
The full figures per backend come from ``make bench``."""

import pytest

from search.backends import get_search_backend
from search.permissions import SearchScope
from search.relevance import backend_titles, evaluate, load, ndcg, reciprocal_rank

pytestmark = pytest.mark.search

NDCG_FLOOR = 0.8


def test_the_judged_set_is_large_and_varied():
    queries = load("demo")

    assert len(queries) >= 40
    assert {q.language for q in queries} >= {"en", "fr", "es"}
    assert {q.kind for q in queries} >= {"word", "question", "misspelling", "phrase"}
    assert all(max(q.grades.values()) == 3 for q in queries)


def test_the_metrics():
    assert ndcg([3, 2, 0], [3, 2]) == 1.0
    assert ndcg([0, 3], [3]) == pytest.approx(1 / 1.5849625, rel=1e-6)
    assert ndcg([], [3]) == 0.0
    assert reciprocal_rank([0, 1, 2]) == pytest.approx(1 / 3)
    assert reciprocal_rank([0, 1]) == 0.0


def test_judged_queries_find_their_answers_first(search_engine, demo_content):
    backend = get_search_backend()

    report = evaluate(backend_titles(backend, SearchScope(all=True)), load("demo"))

    worst = [(s.query.text, round(s.ndcg, 2), s.titles[:3]) for s in report.worst()]
    assert report.ndcg >= NDCG_FLOOR, worst
    assert report.mrr >= NDCG_FLOOR, worst
