"""Measured relevance: a judged query set and the metrics that score a backend.

``demo.json`` holds practitioners' queries (English, French and Spanish; single
words, questions, misspellings, phrases) with graded judgements of the demo
content (3 the answer, 2 clearly relevant, 1 related; unjudged items count 0),
by title, as a reader sees hits. ``bench.json`` judges the benchmark corpus by
rule (bench/search.py generates it: every document has one topic). The suite
runs the demo set with a floor (tests/search/test_relevance.py); ``make bench``
reports the figures per backend.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
RANK_CUTOFF = 10
RELEVANT_GRADE = 2  # MRR: the first hit at least this good


@dataclass
class JudgedQuery:
    text: str
    language: str
    kind: str  # word, question, misspelling, phrase
    grades: dict[str, int] = field(default_factory=dict)


def load(name: str = "demo") -> list[JudgedQuery]:
    data = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
    return [
        JudgedQuery(
            text=entry["q"],
            language=entry.get("language", "en"),
            kind=entry.get("kind", "word"),
            grades={title: int(grade) for title, grade in entry["grades"].items()},
        )
        for entry in data["queries"]
    ]


def dcg(grades: list[int]) -> float:
    return sum(
        (2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades)
    )


def ndcg(ranked: list[int], judged: list[int], cutoff: int = RANK_CUTOFF) -> float:
    """nDCG@cutoff of the grades of the ranked hits against the ideal order."""
    ideal = dcg(sorted(judged, reverse=True)[:cutoff])
    if not ideal:
        return 1.0 if not any(ranked[:cutoff]) else 0.0
    return dcg(ranked[:cutoff]) / ideal


def reciprocal_rank(ranked: list[int], cutoff: int = RANK_CUTOFF) -> float:
    for rank, grade in enumerate(ranked[:cutoff], start=1):
        if grade >= RELEVANT_GRADE:
            return 1 / rank
    return 0.0


@dataclass
class QueryScore:
    query: JudgedQuery
    titles: list[str]
    ndcg: float
    reciprocal_rank: float


@dataclass
class RelevanceReport:
    scores: list[QueryScore]

    @property
    def ndcg(self) -> float:
        return sum(s.ndcg for s in self.scores) / max(len(self.scores), 1)

    @property
    def mrr(self) -> float:
        return sum(s.reciprocal_rank for s in self.scores) / max(len(self.scores), 1)

    def worst(self, count: int = 5) -> list[QueryScore]:
        return sorted(self.scores, key=lambda s: s.ndcg)[:count]


def evaluate(search, queries: list[JudgedQuery]) -> RelevanceReport:
    """Score ``search(judged query) -> hit titles`` (best first) on ``queries``."""
    scores = []
    for query in queries:
        titles = search(query)[:RANK_CUTOFF]
        ranked = [query.grades.get(title, 0) for title in titles]
        judged = list(query.grades.values())
        scores.append(
            QueryScore(query, titles, ndcg(ranked, judged), reciprocal_rank(ranked))
        )
    return RelevanceReport(scores)


def backend_titles(backend, scope):
    """A ``search`` function for :func:`evaluate` over one backend: the first
    page of hits for a reader in the query's language, autocorrection on."""
    from django.utils import translation

    from ..faceted import SearchQuery

    def search(query: JudgedQuery) -> list[str]:
        with translation.override(query.language):
            results = backend.search(
                SearchQuery(text=query.text, per_page=RANK_CUTOFF), scope
            )
        return [hit.title for hit in results.hits]

    return search


def load_rules(name: str = "bench") -> list[dict]:
    return json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))["queries"]


def judge_by_topic(rules: list[dict], documents) -> list[JudgedQuery]:
    """The benchmark corpus judged by rule (see bench.json): a document whose
    title begins with the query's topic is the answer (3), one whose text only
    mentions it is related (1)."""
    # One pass over the documents (a generator of a million is fine).
    topics = [rule["topic"].casefold() for rule in rules]
    grades: list[dict[str, int]] = [{} for _rule in rules]
    for document in documents:
        title = document.title.casefold()
        body = None
        for topic, graded in zip(topics, grades, strict=True):
            if title.startswith(topic):
                graded[document.title] = 3
            else:
                if body is None:
                    body = document.body.casefold()
                if topic in body:
                    graded[document.title] = 1
    queries = [
        JudgedQuery(
            text=rule["q"],
            language=rule.get("language", "en"),
            kind=rule.get("kind", "word"),
            grades=graded,
        )
        for rule, graded in zip(rules, grades, strict=True)
    ]
    return queries
