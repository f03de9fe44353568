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
QUESTION_WORDS = 4  # from this many words, most of them are enough to match
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
    "collapse_key",
    "display_title",
]
# One hit per discussion: the best match of each collapse key. (No inner hits:
# they cost one more search per hit; matching replies are counted for the page's
# discussions in one request, see _discussion_replies.)
COLLAPSE = {"field": "collapse_key"}
GROUP_COUNT_PRECISION = 40_000  # cardinality is exact below this
# Facets of a text search are counted over its best-scoring matches, up to this
# many (every match when there are fewer: exact); beyond, the counts and the
# number of discussions are scaled from them and shown as estimates, as the
# database backend does for broad queries. Counting discussions (a cardinality
# per facet value) over tens of thousands of matches cost most of a broad
# query's time.
FACET_SAMPLE = 2000
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

    @staticmethod
    def _fuzzy_possible(text: str) -> bool:
        return bool(text) and not (
            has_operators(text)
            or len(query_tokens(text)) > MAX_FUZZY_TOKENS
            or has_cjk(text)
        )

    def _text_query(self, text: str, *, fuzzy: bool = True):
        """The words as typed (AND), most of them for a question, and with
        ``fuzzy`` misspellings too. The search asks for misspellings only when
        the words as typed find few matches (as the database backend corrects
        them): fuzzy terms over four fields made selective queries 5-10 times
        slower, and their highlighting slower still."""
        from elasticsearch.dsl import Q

        strict = self._strict_query(text)
        words = query_tokens(text)
        if not self._fuzzy_possible(text):
            return strict
        should = [strict]
        if fuzzy:
            should.append(
                Q(
                    "multi_match",
                    query=capped_text(text, MAX_FUZZY_TOKENS),
                    fields=["title^2", "tags.text", "summary", "body"],
                    fuzziness="AUTO",
                    prefix_length=1,
                    max_expansions=FUZZY_EXPANSIONS,
                    operator="and",
                    boost=0.3,
                )
            )
        if len(words) >= QUESTION_WORDS:
            # A question ("how to train district officers"): its small words
            # ("how", "to") are in few documents, so most words are enough, as
            # PostgreSQL drops stop words before matching.
            should.append(
                Q(
                    "multi_match",
                    query=capped_text(text, MAX_FUZZY_TOKENS),
                    fields=self._text_fields(text),
                    operator="or",
                    minimum_should_match="60%",
                    boost=0.5,
                )
            )
        if len(should) == 1:
            return strict
        return Q("bool", should=should, minimum_should_match=1)

    # The request -------------------------------------------------------------

    def _build(
        self,
        query: SearchQuery,
        scope: SearchScope,
        text: str,
        *,
        fuzzy: bool = True,
        count_also: str | None = None,
    ) -> dict:
        from elasticsearch.dsl import Q, Search

        search = Search()
        text_query = self._text_query(text, fuzzy=fuzzy) if text else None
        must = [text_query] if text else []
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
        sampled = bool(text)
        self._facet_aggregations(search, query, sample=FACET_SAMPLE if sampled else 0)
        if text:
            # Misspellings tolerated: marked as the correction spells them,
            # when there is one (highlighting fuzzy terms costs most of such
            # a search: their automata run over each hit's fields).
            search = self._highlight(
                search,
                self._strict_query(count_also) if fuzzy and count_also else None,
            )
            if not has_operators(text):
                # The count of the words as typed: the request's own total
                # when it searches nothing else.
                exact = text_query != self._strict_query(text)
                search = self._spelling_check(search, text, filters, exact=exact)
        if query.effective_sort == Sort.DATE or not text:
            search = search.sort(DATE_SORT, "_score", TIE_BREAKER)
        else:
            search = search.sort("_score", DATE_SORT, TIE_BREAKER)
        # Groups shown (discussions count once), with every filter applied.
        search.aggs.bucket(
            "shown", "filter", filter=Q("bool", filter=filters or [Q("match_all")])
        ).metric(
            "groups",
            "cardinality",
            field="collapse_key",
            precision_threshold=GROUP_COUNT_PRECISION,
        )
        if sampled:
            # Every match of the query (the facets' sample is a part of them).
            search.aggs.bucket("matched", "filter", filter=Q("match_all"))
        if count_also:
            # The corrected words' matches the reader may see (did you mean),
            # counted in this request over the whole index.
            visibility = self._visibility(scope)
            search.aggs.bucket("corrected", "global").bucket(
                "total",
                "filter",
                filter=Q(
                    "bool",
                    must=[self._strict_query(count_also)],
                    filter=[*filters, *([visibility] if visibility else [])],
                ),
            )
        search = search.source(SOURCE_FIELDS).extra(
            from_=query.offset,
            size=query.per_page,
            track_total_hits=True,
            collapse=COLLAPSE,
        )
        return search.to_dict()

    # Search ----------------------------------------------------------------

    def search(self, query: SearchQuery, scope: SearchScope) -> SearchResults:
        """One request answers the page, its facets and the spelling check
        with the words as typed; when they find few matches, a second one
        tolerates misspellings, and at most one more runs when a correction
        may find more."""
        text = query.text
        fuzzy = False
        response = self._search_raw(self._build(query, scope, text, fuzzy=False))
        if self._fuzzy_possible(text) and self._exact(response) < CORRECTION_THRESHOLD:
            fuzzy = True
            corrected = self._corrected(text, response)
            response = self._search_raw(
                self._build(
                    query,
                    scope,
                    text,
                    count_also=corrected
                    if corrected and corrected.lower() != text.lower()
                    else None,
                )
            )
        results = self._results(query, response, scope, text, fuzzy=fuzzy)
        if text and results.total < CORRECTION_THRESHOLD:
            corrected = self._corrected(text, response)
            if corrected and corrected.lower() != text.lower():
                if results.total == 0 and query.autocorrect:
                    # As the database backend: show what the correction finds.
                    retry = self._results(
                        query,
                        self._search_raw(self._build(query, scope, corrected)),
                        scope,
                        corrected,
                    )
                    if retry.total:
                        retry.corrected_text = corrected
                        return retry
                elif self._corrected_total(
                    response, query, scope, corrected
                ) > self._exact(response):
                    # Offered only when it finds more that the visitor may see:
                    # the suggester itself ignores visibility.
                    results.suggestion = corrected
        return results

    def _corrected_total(self, response, query, scope, corrected: str) -> int:
        counted = response.get("aggregations", {}).get("corrected")
        if counted is not None:
            return int(counted["total"]["doc_count"])
        return self._total(query, scope, corrected)

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

    def _group_urls(self, hits: list[SearchHit], scope: SearchScope) -> None:
        """The discussion's own page for hits whose best match is a reply (one
        request, only for such hits, only documents the reader may see)."""
        from elasticsearch.dsl import Q, Search

        wanted = {hit.collapse_key for hit in hits if hit.is_reply}
        if not wanted:
            return
        visibility = self._visibility(scope)
        body = (
            Search()
            .query(
                Q(
                    "bool",
                    filter=[
                        Q("terms", key=sorted(wanted)),
                        *([visibility] if visibility else []),
                    ],
                )
            )
            .source(["key", "url"])
            .extra(size=len(wanted))
            .to_dict()
        )
        urls = {
            h["_source"]["key"]: h["_source"]["url"]
            for h in self._search_raw(body)["hits"]["hits"]
        }
        for hit in hits:
            if hit.is_reply:
                hit.group_url = urls.get(hit.collapse_key, "")

    def _discussion_replies(
        self,
        hits: list[SearchHit],
        query: SearchQuery,
        scope: SearchScope,
        text,
        *,
        fuzzy: bool = True,
    ) -> None:
        """How many replies of each discussion on the page match (one request,
        only when the page shows discussions)."""
        from elasticsearch.dsl import Q, Search

        keys = sorted({hit.collapse_key for hit in hits if hit.kind == "thread"})
        if not keys or not text:
            return
        visibility = self._visibility(scope)
        search = Search().query(
            Q(
                "bool",
                must=[self._text_query(text, fuzzy=fuzzy)],
                filter=[
                    Q("terms", collapse_key=keys),
                    *self._filter_clauses(query),
                    *([visibility] if visibility else []),
                ],
                must_not=[Q("terms", key=keys)],
            )
        )
        search.aggs.bucket("replies", "terms", field="collapse_key", size=len(keys))
        response = self._search_raw(search.extra(size=0).to_dict())
        counts = {
            b["key"]: int(b["doc_count"])
            for b in response.get("aggregations", {})
            .get("replies", {})
            .get("buckets", [])
        }
        for hit in hits:
            hit.matching_replies = counts.get(hit.collapse_key, 0)

    def _results(
        self,
        query: SearchQuery,
        response: dict,
        scope: SearchScope | None = None,
        text: str = "",
        *,
        fuzzy: bool = True,
    ) -> SearchResults:
        results = SearchResults(query=query, engine=self.name)
        results.total = int(response["hits"]["total"]["value"])
        aggregations = response.get("aggregations", {})
        shown = aggregations.get("shown", {}).get("groups")
        if shown is not None:
            results.total = int(shown["value"])
        if (self._sample_scale(response) or 1) > 1:
            results.facets_approximate = True
        for hit in response["hits"]["hits"]:
            source = hit["_source"]
            language = source.get("language") or "en"
            title_highlight, snippet = self._hit_highlights(hit, language)
            collapse_key = source.get("collapse_key") or source["key"]
            results.hits.append(
                SearchHit(
                    key=source["key"],
                    source=source["source"],
                    object_id=int(source["object_id"]),
                    kind=source["kind"],
                    title=source.get("display_title") or source["title"],
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
                    collapse_key=collapse_key,
                )
            )
        if scope is not None:
            self._group_urls(results.hits, scope)
            self._discussion_replies(results.hits, query, scope, text, fuzzy=fuzzy)
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
