"""Query building and the search itself: the text query (capped to the engine's
clause limit), visibility and facet filters, sorting with a tie-breaker, and
the response read back into SearchResults.

Visibility, facets and highlighting follow the same contract as the database
backend (tests/search/test_backend_contract.py runs against both).
"""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

from ...documents import ENGINE_LANGUAGES, has_cjk
from ...faceted import (
    FACETS,
    FIELD_BOOSTS,
    SearchHit,
    SearchQuery,
    SearchResults,
    Sort,
    facet_results,
    has_operators,
    query_tokens,
)
from ...permissions import SearchScope

# Fewer hits than this: the spelling check may offer (or apply) a correction.
CORRECTION_THRESHOLD = 5
# An engine caps the clauses of one query (OpenSearch: 1024 by default; each
# word costs one clause per field searched, fuzzy words up to FUZZY_EXPANSIONS
# more): long queries keep their first words, fuzzy matching is for short ones.
MAX_QUERY_TOKENS = 24
MAX_FUZZY_TOKENS = 6
FUZZY_EXPANSIONS = 10
# Tie-breaker of every sort: equal hits keep one order from page to page.
TIE_BREAKER = {"key": {"order": "asc"}}
DATE_SORT = {"date": {"order": "desc", "missing": "_last"}}
SOURCE_FIELDS = [
    "key",
    "source",
    "object_id",
    "kind",
    "title",
    "url",
    "summary",
    "date",
    "tags",
    "language",
    "is_public",
    "knowledge_type",
    "format",
    "level",
    "working_groups",
]
_SQS_SPECIAL = re.compile(r'([+\-=&|><!(){}\[\]^"~*?:\\/])')


def simple_query_string(text: str) -> str:
    """websearch_to_tsquery syntax → simple_query_string syntax (capped)."""
    parts = []
    for token in query_tokens(text)[:MAX_QUERY_TOKENS]:
        if token.is_or:
            parts.append("|")
            continue
        escaped = _SQS_SPECIAL.sub(r"\\\1", token.text)
        term = f'"{escaped}"' if token.phrase else escaped
        parts.append(f"-{term}" if token.negated else term)
    return " ".join(parts)


def capped_text(text: str, limit: int = MAX_QUERY_TOKENS) -> str:
    return " ".join(token.text for token in query_tokens(text)[:limit])


class EngineQueries:
    # Filters -----------------------------------------------------------------

    @staticmethod
    def _visibility(scope: SearchScope):
        from elasticsearch.dsl import Q

        if scope.all:
            return None
        should = [Q("term", is_public=True)]
        if scope.group_ids:
            should.append(Q("terms", group_ids=sorted(scope.group_ids)))
        return Q("bool", should=should, minimum_should_match=1)

    @staticmethod
    def _filter_clauses(query: SearchQuery, *, skip: str | None = None) -> list:
        from elasticsearch.dsl import Q

        clauses = []
        for name, values in query.filters.items():
            if name == skip:
                continue
            facet = next(f for f in FACETS if f.name == name)
            terms = [int(v) for v in values] if facet.numeric else list(values)
            clauses.append(Q("terms", **{facet.field: terms}))
        return clauses

    # Text ------------------------------------------------------------------

    @staticmethod
    def _languages(text: str) -> list[str]:
        """Languages whose stemmed fields a query searches: Chinese for CJK text,
        otherwise the visitor's language and English (the base fields match
        every language, unstemmed): a few fields, not all 7 x 3."""
        from django.utils import translation

        if has_cjk(text):
            return ["zh"]
        current = (translation.get_language() or "en").split("-")[0]
        languages = [current] if current in ENGINE_LANGUAGES else []
        if "en" not in languages:
            languages.append("en")
        return [code for code in languages if code != "zh"]

    @classmethod
    def _text_fields(cls, text: str = "") -> list[str]:
        fields = [f"title^{FIELD_BOOSTS['title']}", f"tags.text^{FIELD_BOOSTS['tags']}"]
        fields += [f"summary^{FIELD_BOOSTS['summary']}", f"body^{FIELD_BOOSTS['body']}"]
        for code in cls._languages(text):
            for name in ("title", "summary", "body"):
                fields.append(f"{name}_{code}^{FIELD_BOOSTS[name]}")
        return fields

    def _strict_query(self, text: str):
        from elasticsearch.dsl import Q

        return Q(
            "simple_query_string",
            query=simple_query_string(text),
            fields=self._text_fields(text),
            default_operator="and",
        )

    def _text_query(self, text: str):
        from elasticsearch.dsl import Q

        strict = self._strict_query(text)
        words = query_tokens(text)
        if has_operators(text) or len(words) > MAX_FUZZY_TOKENS or has_cjk(text):
            return strict
        fuzzy = Q(
            "multi_match",
            query=capped_text(text, MAX_FUZZY_TOKENS),
            fields=["title^2", "tags.text", "summary", "body"],
            fuzziness="AUTO",
            prefix_length=1,
            max_expansions=FUZZY_EXPANSIONS,
            operator="and",
            boost=0.3,
        )
        return Q("bool", should=[strict, fuzzy], minimum_should_match=1)

    # The request -------------------------------------------------------------

    def _build(self, query: SearchQuery, scope: SearchScope, text: str) -> dict:
        from elasticsearch.dsl import Q, Search

        search = Search()
        must = [self._text_query(text)] if text else []
        visibility = self._visibility(scope)
        search = search.query(
            Q(
                "bool",
                must=must or [Q("match_all")],
                filter=[visibility] if visibility else [],
            )
        )
        filters = self._filter_clauses(query)
        if filters:
            search = search.post_filter(Q("bool", filter=filters))
        self._facet_aggregations(search, query)
        if text:
            search = self._highlight(search)
            if not has_operators(text):
                search = self._spelling_check(search, text, filters)
        if query.effective_sort == Sort.DATE or not text:
            search = search.sort(DATE_SORT, "_score", TIE_BREAKER)
        else:
            search = search.sort("_score", DATE_SORT, TIE_BREAKER)
        search = search.source(SOURCE_FIELDS).extra(
            from_=query.offset, size=query.per_page, track_total_hits=True
        )
        return search.to_dict()

    # Search ----------------------------------------------------------------

    def search(self, query: SearchQuery, scope: SearchScope) -> SearchResults:
        """One request answers the page, its facets and the spelling check;
        at most one more runs when a correction may find more."""
        response = self._search_raw(self._build(query, scope, query.text))
        results = self._results(query, response)
        if query.text and results.total < CORRECTION_THRESHOLD:
            corrected = self._corrected(query.text, response)
            if corrected and corrected.lower() != query.text.lower():
                if results.total == 0 and query.autocorrect:
                    # As the database backend: show what the correction finds.
                    retry = self._results(
                        query, self._search_raw(self._build(query, scope, corrected))
                    )
                    if retry.total:
                        retry.corrected_text = corrected
                        return retry
                elif self._total(query, scope, corrected) > self._exact(response):
                    # Offered only when it finds more that the visitor may see:
                    # the suggester itself ignores visibility.
                    results.suggestion = corrected
        return results

    def _total(self, query: SearchQuery, scope: SearchScope, text: str) -> int:
        from elasticsearch.dsl import Q, Search

        visibility = self._visibility(scope)
        filters = [*self._filter_clauses(query), *([visibility] if visibility else [])]
        body = (
            Search()
            .query(Q("bool", must=[self._strict_query(text)], filter=filters))
            .extra(size=0, track_total_hits=True)
            .to_dict()
        )
        return int(self._search_raw(body)["hits"]["total"]["value"])

    def _results(self, query: SearchQuery, response: dict) -> SearchResults:
        results = SearchResults(query=query, engine=self.name)
        results.total = int(response["hits"]["total"]["value"])
        for hit in response["hits"]["hits"]:
            source = hit["_source"]
            language = source.get("language") or "en"
            title_highlight, snippet = self._hit_highlights(hit, language)
            results.hits.append(
                SearchHit(
                    key=source["key"],
                    source=source["source"],
                    object_id=int(source["object_id"]),
                    kind=source["kind"],
                    title=source["title"],
                    url=source["url"],
                    summary=source.get("summary") or "",
                    date=_parse_date(source.get("date")),
                    tags=source.get("tags") or [],
                    language=language,
                    is_public=bool(source.get("is_public")),
                    knowledge_type=source.get("knowledge_type") or "",
                    format=source.get("format") or "",
                    level=source.get("level") or "",
                    working_groups=source.get("working_groups") or [],
                    score=float(hit.get("_score") or 0.0),
                    title_highlight=title_highlight,
                    snippet=snippet,
                )
            )
        results.facets = facet_results(query, self._facet_counts(response))
        return results


def _parse_date(value):
    if not value:
        return None
    from django.utils.dateparse import parse_datetime

    parsed = parse_datetime(value)
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return parsed
