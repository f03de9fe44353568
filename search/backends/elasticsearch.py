"""Elasticsearch and OpenSearch backends.

Queries, aggregations, highlighting and mappings are built with the
Elasticsearch DSL (``elasticsearch.dsl``) and sent as plain request bodies: to
Elasticsearch through the official client, to OpenSearch through opensearch-py.
Searches go to an alias (``<prefix>-documents``); ``reindex`` builds a new
timestamped index, bulk-loads it and swaps the alias in one atomic call.

Visibility, facets and highlighting follow the same contract as the database
backend (tests/search/test_backend_contract.py runs against both).
"""

from __future__ import annotations

import datetime
import logging
import re
import time
from collections.abc import Iterable

from django.utils import timezone

from ..documents import (
    ENGINE_LANGUAGES,
    MARK_END,
    MARK_START,
    SearchDocument,
    engine_index,
)
from ..faceted import (
    FACET_SIZE,
    FACETS,
    FIELD_BOOSTS,
    SearchHit,
    SearchQuery,
    SearchResults,
    Sort,
    Suggestion,
    facet_results,
    has_operators,
    query_tokens,
    tag_search_url,
)
from ..permissions import SearchScope
from .base import ReindexResult, SearchBackend, SearchEngineUnavailable, batched

logger = logging.getLogger(__name__)

CORRECTION_THRESHOLD = 5
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


def _facet_field(name: str) -> str:
    return next(f.field for f in FACETS if f.name == name)


def simple_query_string(text: str) -> str:
    """websearch_to_tsquery syntax → simple_query_string syntax."""
    parts = []
    for token in query_tokens(text):
        if token.is_or:
            parts.append("|")
            continue
        escaped = _SQS_SPECIAL.sub(r"\\\1", token.text)
        term = f'"{escaped}"' if token.phrase else escaped
        parts.append(f"-{term}" if token.negated else term)
    return " ".join(parts)


class IndexMissing(SearchEngineUnavailable):
    """The alias does not exist yet: nothing was ever indexed."""


class ElasticsearchSearchBackend(SearchBackend):
    """Elasticsearch 8 through the official client."""

    product = "elasticsearch"

    def __init__(self, name: str, **params):
        super().__init__(name, **params)
        self.url = params.get("url") or ""
        self.alias = f"{params.get('index_prefix') or 'emis'}-documents"
        self.timeout = float(params.get("timeout") or 2)
        self.bulk_timeout = float(params.get("bulk_timeout") or 60)
        self.refresh = params.get("refresh", False)
        self._client = None
        self._index_ready = False

    # Transport -------------------------------------------------------------

    @property
    def client(self):
        if not self.url:
            raise SearchEngineUnavailable(f"{self.name}: no URL configured")
        if self._client is None:
            self._client = self.make_client()
        return self._client

    def make_client(self):
        from elasticsearch import Elasticsearch

        return Elasticsearch(
            self.url,
            request_timeout=self.timeout,
            max_retries=0,
            retry_on_timeout=False,
        )

    def transport_errors(self) -> tuple:
        from elastic_transport import TransportError
        from elasticsearch import ApiError

        return (TransportError, ApiError)

    def not_found_error(self):
        from elasticsearch import NotFoundError

        return NotFoundError

    def _call(self, function, *args, **kwargs):
        """Every engine call: transport trouble becomes SearchEngineUnavailable."""
        try:
            return function(*args, **kwargs)
        except SearchEngineUnavailable:
            raise
        except self.not_found_error() as error:
            raise IndexMissing(str(error)) from error
        except self.transport_errors() as error:
            raise SearchEngineUnavailable(f"{self.name}: {error}") from error
        except OSError as error:
            raise SearchEngineUnavailable(f"{self.name}: {error}") from error

    def _options(self, timeout: float):
        return self.client.options(request_timeout=timeout)

    def _search_raw(self, body: dict, *, index: str | None = None) -> dict:
        return self._call(
            lambda: dict(
                self._options(self.timeout).search(index=index or self.alias, body=body)
            )
        )

    def _bulk_raw(self, actions: list[dict], *, refresh=None) -> int:
        from elasticsearch.helpers import bulk

        client = self._options(self.bulk_timeout)
        ok, errors = self._call(
            bulk,
            client,
            actions,
            refresh=self._refresh_value(refresh),
            raise_on_error=False,
            stats_only=False,
        )
        self._check_bulk_errors(errors)
        return ok

    def _refresh_value(self, refresh):
        refresh = self.refresh if refresh is None else refresh
        return (
            "true"
            if refresh is True
            else ("wait_for" if refresh == "wait_for" else "false")
        )

    @staticmethod
    def _check_bulk_errors(errors) -> None:
        real = [
            e
            for e in errors
            if not ("delete" in e and e["delete"].get("status") == 404)
        ]
        if real:
            raise SearchEngineUnavailable(
                f"bulk indexing failed: {str(real[:3])[:500]}"
            )

    def _indices(self):
        return self._options(self.bulk_timeout).indices

    def close(self):
        if self._client is not None:
            try:
                self._client.close()
            except Exception:
                logger.debug("closing %s client failed", self.name, exc_info=True)
            self._client = None

    # Index management ------------------------------------------------------

    def alias_targets(self) -> list[str]:
        indices = self._indices()
        if not self._call(indices.exists_alias, name=self.alias):
            return []
        return sorted(self._call(indices.get_alias, name=self.alias).keys())

    def create_index(self, name: str, *, loading: bool = False) -> None:
        body = engine_index(name).to_dict()
        if loading:
            body["settings"]["refresh_interval"] = "-1"
        self._call(self._indices().create, index=name, body=body)

    def ensure_index(self) -> None:
        """Create the first index and alias when none exists (first write)."""
        if self._index_ready or self.alias_targets():
            self._index_ready = True
            return
        indices = self._indices()
        if self._call(indices.exists, index=self.alias):
            return  # a concrete index with the alias name; leave it be
        name = self._new_index_name()
        self.create_index(name)
        self._call(
            indices.update_aliases,
            body={"actions": [{"add": {"index": name, "alias": self.alias}}]},
        )
        self._index_ready = True

    def _new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"

    # Writes ----------------------------------------------------------------

    def bulk(self, documents: Iterable[SearchDocument], *, refresh=None) -> int:
        documents = list(documents)
        if not documents:
            return 0
        self.ensure_index()
        return self._bulk_raw(
            [
                {"_index": self.alias, "_id": d.key, "_source": d.as_engine_source()}
                for d in documents
            ],
            refresh=refresh,
        )

    def delete(self, keys: Iterable[str], *, refresh=None) -> int:
        keys = list(keys)
        if not keys or not self.alias_targets():
            return 0
        self._bulk_raw(
            [{"_op_type": "delete", "_index": self.alias, "_id": key} for key in keys],
            refresh=refresh,
        )
        return len(keys)

    def clear(self) -> None:
        for name in self.alias_targets():
            self._call(self._indices().delete, index=name)
        self._index_ready = False

    def reindex(self, documents, *, progress=None, batch_size=500) -> ReindexResult:
        """New index, bulk load, atomic alias swap, old indices dropped."""
        started = time.monotonic()
        old = self.alias_targets()
        name = self._new_index_name()
        self.create_index(name, loading=True)
        indexed = 0
        try:
            for batch in batched(documents, batch_size):
                self._bulk_raw(
                    [
                        {"_index": name, "_id": d.key, "_source": d.as_engine_source()}
                        for d in batch
                    ],
                    refresh=False,
                )
                indexed += len(batch)
                if progress:
                    progress(len(batch))
            indices = self._indices()
            self._call(
                indices.put_settings,
                index=name,
                body={"index": {"refresh_interval": "1s"}},
            )
            self._call(indices.refresh, index=name)
            actions = [
                {"remove": {"index": old_name, "alias": self.alias}} for old_name in old
            ]
            actions.append({"add": {"index": name, "alias": self.alias}})
            self._call(indices.update_aliases, body={"actions": actions})
        except Exception:
            self._call(self._indices().delete, index=name)
            raise
        removed = 0
        for old_name in old:
            removed += self._count_index(old_name)
            self._call(self._indices().delete, index=old_name)
        return ReindexResult(
            self.name,
            indexed,
            max(removed - indexed, 0),
            time.monotonic() - started,
            name,
        )

    def _count_index(self, index: str) -> int:
        try:
            return int(self._call(self.client.count, index=index)["count"])
        except SearchEngineUnavailable:
            return 0

    # Reads -----------------------------------------------------------------

    def count(self) -> int:
        try:
            return int(
                self._call(self._options(self.timeout).count, index=self.alias)["count"]
            )
        except IndexMissing:
            return 0

    def keys(self) -> set[str]:
        if not self.alias_targets():
            return set()
        from elasticsearch.dsl import Search

        keys = set()
        body = (
            Search()
            .query("match_all")
            .source(["key"])
            .sort("key")
            .extra(size=1000)
            .to_dict()
        )
        while True:
            response = self._search_raw(body)
            hits = response["hits"]["hits"]
            keys.update(hit["_id"] for hit in hits)
            if len(hits) < 1000:
                return keys
            body["search_after"] = hits[-1]["sort"]

    def health(self) -> dict:
        status = {"engine": self.name, "url": _redact(self.url), "index": self.alias}
        try:
            cluster = self._call(self._options(self.timeout).cluster.health)
            status["cluster"] = cluster.get("status")
            status["documents"] = self.count()
            status["status"] = "error" if cluster.get("status") == "red" else "ok"
        except SearchEngineUnavailable as error:
            status.update(status="unavailable", error=str(error)[:200])
        except Exception as error:  # noqa: BLE001 - health must answer, whatever happens
            status.update(
                status="error", error=f"{error.__class__.__name__}: {error}"[:200]
            )
        return status

    # Query building --------------------------------------------------------

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

    @staticmethod
    def _text_fields() -> list[str]:
        fields = [f"title^{FIELD_BOOSTS['title']}", f"tags.text^{FIELD_BOOSTS['tags']}"]
        fields += [f"summary^{FIELD_BOOSTS['summary']}", f"body^{FIELD_BOOSTS['body']}"]
        for code in ENGINE_LANGUAGES:
            for name in ("title", "summary", "body"):
                fields.append(f"{name}_{code}^{FIELD_BOOSTS[name]}")
        return fields

    def _text_query(self, text: str):
        from elasticsearch.dsl import Q

        strict = Q(
            "simple_query_string",
            query=simple_query_string(text),
            fields=self._text_fields(),
            default_operator="and",
        )
        if has_operators(text):
            return strict
        fuzzy = Q(
            "multi_match",
            query=text,
            fields=["title^2", "tags.text", "summary", "body"],
            fuzziness="AUTO",
            prefix_length=1,
            operator="and",
            boost=0.3,
        )
        return Q("bool", should=[strict, fuzzy], minimum_should_match=1)

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
        for facet in FACETS:
            others = self._filter_clauses(query, skip=facet.name)
            bucket = search.aggs.bucket(
                facet.name,
                "filter",
                filter=Q("bool", filter=others or [Q("match_all")]),
            )
            bucket.bucket("values", "terms", field=facet.field, size=FACET_SIZE)
        if text:
            search = search.highlight_options(
                pre_tags=[MARK_START],
                post_tags=[MARK_END],
                require_field_match=False,
            )
            for name in ("title", *(f"title_{c}" for c in ENGINE_LANGUAGES)):
                search = search.highlight(name, number_of_fragments=0)
            for name in (
                "body",
                "summary",
                *(f"body_{c}" for c in ENGINE_LANGUAGES),
                *(f"summary_{c}" for c in ENGINE_LANGUAGES),
            ):
                search = search.highlight(
                    name, fragment_size=160, number_of_fragments=2
                )
            if not has_operators(text):
                search = search.suggest(
                    "spelling", text, term={"field": "title", "suggest_mode": "missing"}
                )
        if query.effective_sort == Sort.DATE or not text:
            search = search.sort(
                {"date": {"order": "desc", "missing": "_last"}}, "_score"
            )
        else:
            search = search.sort(
                "_score", {"date": {"order": "desc", "missing": "_last"}}
            )
        search = search.source(SOURCE_FIELDS).extra(
            from_=query.offset, size=query.per_page, track_total_hits=True
        )
        return search.to_dict()

    # Search ----------------------------------------------------------------

    def search(self, query: SearchQuery, scope: SearchScope) -> SearchResults:
        try:
            response = self._search_raw(self._build(query, scope, query.text))
        except IndexMissing:
            return SearchResults(
                query=query, engine=self.name, facets=facet_results(query, {})
            )
        results = self._results(query, response)
        if query.text and results.total < CORRECTION_THRESHOLD:
            corrected = self._corrected(query.text, response)
            if corrected and corrected.lower() != query.text.lower():
                # Fuzzy matching may already find the right documents: offer the
                # spelling if it finds more than the words as typed, exactly.
                if self._total(query, scope, corrected) > self._total(
                    query, scope, query.text
                ):
                    results.suggestion = corrected
        return results

    def _total(self, query: SearchQuery, scope: SearchScope, text: str) -> int:
        from elasticsearch.dsl import Q, Search

        visibility = self._visibility(scope)
        filters = [*self._filter_clauses(query), *([visibility] if visibility else [])]
        strict = Q(
            "simple_query_string",
            query=simple_query_string(text),
            fields=self._text_fields(),
            default_operator="and",
        )
        body = (
            Search()
            .query(Q("bool", must=[strict], filter=filters))
            .extra(size=0, track_total_hits=True)
            .to_dict()
        )
        return int(self._search_raw(body)["hits"]["total"]["value"])

    @staticmethod
    def _corrected(text: str, response: dict) -> str | None:
        """Replace misspelt words with the engine's suggestion. The result is only
        offered after a visibility-filtered count confirms it finds something the
        user may see: the suggester itself ignores filters."""
        replacements = {}
        for entry in response.get("suggest", {}).get("spelling", []):
            options = entry.get("options") or []
            if options:
                replacements[entry["text"]] = options[0]["text"]
        if not replacements:
            return None

        def replace(match):
            word = match.group(0)
            return replacements.get(word.lower(), word)

        return re.sub(r"\w+", replace, text)

    def _results(self, query: SearchQuery, response: dict) -> SearchResults:
        results = SearchResults(query=query, engine=self.name)
        results.total = int(response["hits"]["total"]["value"])
        for hit in response["hits"]["hits"]:
            source = hit["_source"]
            language = source.get("language") or "en"
            highlight = hit.get("highlight", {})

            def first(*names, highlight=highlight):
                for name in names:
                    fragments = highlight.get(name)
                    if fragments:
                        return " … ".join(fragments)
                return ""

            date = source.get("date")
            results.hits.append(
                SearchHit(
                    key=source["key"],
                    source=source["source"],
                    object_id=int(source["object_id"]),
                    kind=source["kind"],
                    title=source["title"],
                    url=source["url"],
                    summary=source.get("summary") or "",
                    date=_parse_date(date),
                    tags=source.get("tags") or [],
                    language=language,
                    is_public=bool(source.get("is_public")),
                    knowledge_type=source.get("knowledge_type") or "",
                    format=source.get("format") or "",
                    level=source.get("level") or "",
                    working_groups=source.get("working_groups") or [],
                    score=float(hit.get("_score") or 0.0),
                    title_highlight=first(f"title_{language}", "title"),
                    snippet=first(
                        f"body_{language}", "body", f"summary_{language}", "summary"
                    ),
                )
            )
        counts = {}
        for facet in FACETS:
            buckets = (
                response.get("aggregations", {})
                .get(facet.name, {})
                .get("values", {})
                .get("buckets", [])
            )
            counts[facet.name] = {
                str(b["key"]): int(b["doc_count"]) for b in buckets if str(b["key"])
            }
        results.facets = facet_results(query, counts)
        return results

    def suggest(
        self, text: str, scope: SearchScope, *, limit: int = 8
    ) -> list[Suggestion]:
        from django.urls import reverse
        from elasticsearch.dsl import Q, Search

        text = " ".join(text.split())[:100]
        if len(text) < 2:
            return []
        prefix = text.lower()
        title_match = Q(
            "bool",
            should=[
                Q(
                    "match",
                    **{"title.ac": {"query": text, "operator": "and", "boost": 2}},
                ),
                Q(
                    "match",
                    title={
                        "query": text,
                        "operator": "and",
                        "fuzziness": "AUTO",
                        "prefix_length": 1,
                    },
                ),
            ],
            minimum_should_match=1,
        )
        visibility = self._visibility(scope)
        search = Search().query(
            Q(
                "bool",
                should=[title_match, Q("prefix", tags=prefix)],
                minimum_should_match=1,
                filter=[visibility] if visibility else [],
            )
        )
        search = search.post_filter(title_match)
        search.aggs.bucket("tags", "terms", field="tags", size=30)
        body = (
            search.source(["kind", "title", "url"])
            .sort("_score", {"date": {"order": "desc", "missing": "_last"}})
            .extra(size=limit)
            .to_dict()
        )
        try:
            response = self._search_raw(body)
        except IndexMissing:
            return []
        titles = [
            Suggestion(h["_source"]["title"], h["_source"]["url"], h["_source"]["kind"])
            for h in response["hits"]["hits"]
        ]
        search_url = reverse("search")
        tags = [
            Suggestion(b["key"], tag_search_url(search_url, b["key"]), "tag")
            for b in response.get("aggregations", {}).get("tags", {}).get("buckets", [])
            if str(b["key"]).startswith(prefix)
        ][:3]
        keep_titles = max(limit - len(tags), limit // 2)
        return (titles[:keep_titles] + tags)[:limit]


class OpenSearchSearchBackend(ElasticsearchSearchBackend):
    """OpenSearch (and osmem-server in the tests) through opensearch-py."""

    product = "opensearch"

    def make_client(self):
        from opensearchpy import OpenSearch

        return OpenSearch(
            hosts=[self.url],
            timeout=self.timeout,
            max_retries=0,
            retry_on_timeout=False,
        )

    def transport_errors(self) -> tuple:
        from opensearchpy.exceptions import OpenSearchException

        return (OpenSearchException,)

    def not_found_error(self):
        from opensearchpy.exceptions import NotFoundError

        return NotFoundError

    def _options(self, timeout: float):
        return _OpenSearchWithTimeout(self.client, timeout)

    def _bulk_raw(self, actions: list[dict], *, refresh=None) -> int:
        from opensearchpy.helpers import bulk

        ok, errors = self._call(
            bulk,
            self.client,
            actions,
            refresh=self._refresh_value(refresh),
            raise_on_error=False,
            request_timeout=self.bulk_timeout,
        )
        self._check_bulk_errors(errors)
        return ok


class _OpenSearchWithTimeout:
    """opensearch-py has no .options(): pass request_timeout to every call."""

    def __init__(self, client, timeout: float):
        self._client = client
        self._timeout = timeout

    def __getattr__(self, name):
        target = getattr(self._client, name)
        if callable(target):
            return lambda *a, **kw: target(*a, request_timeout=self._timeout, **kw)
        return _OpenSearchWithTimeout(target, self._timeout)


def _parse_date(value):
    if not value:
        return None
    from django.utils.dateparse import parse_datetime

    parsed = parse_datetime(value)
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return parsed


def _redact(url: str) -> str:
    return re.sub(r"//[^@/]+@", "//***@", url or "")
