"""Elasticsearch and OpenSearch backends.

Queries, aggregations, highlighting and mappings are built with the
Elasticsearch DSL (``elasticsearch.dsl``, shipped inside the ``elasticsearch``
client) and sent as plain request bodies: to Elasticsearch through the official
client (8.x; only documented APIs with keyword arguments, as 9.x expects), to
OpenSearch through opensearch-py. Searches go to an alias (``<prefix>-documents``);
``reindex`` builds a new timestamped index, bulk-loads it and swaps the alias in
one atomic call. Nothing creates the index implicitly: until the first
``search_reindex`` (or ``ensure_index``) the alias is missing, writes are queued
for retry and searches are answered from the database.

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

from ...documents import (
    ENGINE_LANGUAGES,
    MARK_END,
    MARK_START,
    SearchDocument,
    engine_index,
    has_cjk,
)
from ...faceted import (
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
from ...permissions import SearchScope
from ..base import (
    IndexMissing,
    ReindexResult,
    SearchBackend,
    SearchEngineUnavailable,
    SearchQueryRejected,
)
from . import bulk as bulk_helpers
from .connection import elasticsearch_kwargs, engine_options, opensearch_kwargs

logger = logging.getLogger(__name__)

CORRECTION_THRESHOLD = 5
# An engine caps the clauses of one query (OpenSearch: 1024 by default; each
# word costs one clause per field searched, fuzzy words up to FUZZY_EXPANSIONS
# more): long queries keep their first words, fuzzy matching is for short ones.
MAX_QUERY_TOKENS = 24
MAX_FUZZY_TOKENS = 6
FUZZY_EXPANSIONS = 10
# Tie-breaker of every sort: equal hits keep one order from page to page.
TIE_BREAKER = {"key": {"order": "asc"}}
JSON = {"accept": "application/json", "content-type": "application/json"}
# 4xx answers that are trouble with the engine or the credentials, not the query.
NOT_REJECTED = {401, 403, 408, 429}
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


class ElasticsearchSearchBackend(SearchBackend):
    """Elasticsearch 8 through the official client.

    Parameters (settings.PORTAL_SEARCH_BACKENDS): URL, INDEX_PREFIX, TIMEOUT,
    BULK_TIMEOUT, REFRESH, REPLICAS (default: auto_expand_replicas 0-1),
    ALIAS_GRACE (seconds old indices outlive an alias swap; default the search
    timeout, at most 3), OPTIONS (TLS, authentication: see connection.py and
    the README)."""

    product = "elasticsearch"

    def __init__(self, name: str, **params):
        super().__init__(name, **params)
        self.url = params.get("url") or ""
        self.alias = f"{params.get('index_prefix') or 'emis'}-documents"
        self.timeout = float(params.get("timeout") or 2)
        self.bulk_timeout = float(params.get("bulk_timeout") or 60)
        self.refresh = params.get("refresh", False)
        self.replicas = params.get("replicas")
        grace = params.get("alias_grace")
        self.alias_grace = float(min(self.timeout, 3) if grace is None else grace)
        self.options = engine_options(self.product, params.get("options"))
        self.last_failures: list[tuple[str, str]] = []
        if not self.url and self.options.get("cloud_id"):
            self.url = "cloud"
        self._client = None

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
            **elasticsearch_kwargs(self.url, self.options, timeout=self.timeout)
        )

    def _status(self, error) -> int | None:
        meta = getattr(error, "meta", None)
        status = getattr(meta, "status", None) or getattr(error, "status_code", None)
        return status if isinstance(status, int) else None

    def transport_errors(self) -> tuple:
        from elastic_transport import TransportError
        from elasticsearch import ApiError

        return (TransportError, ApiError)

    def _call(self, function, *args, **kwargs):
        """Every engine call. A missing index becomes IndexMissing, a request the
        engine refuses (4xx) SearchQueryRejected, anything else (down, slow,
        busy, 5xx, refused credentials) SearchEngineUnavailable."""
        try:
            return function(*args, **kwargs)
        except SearchEngineUnavailable:
            raise
        except self.transport_errors() as error:
            raise self._translate(error) from error
        except OSError as error:
            raise SearchEngineUnavailable(f"{self.name}: {error}") from error

    def _translate(self, error) -> SearchEngineUnavailable:
        status = self._status(error)
        text = f"{self.name}: {error}"[:1000]
        if status == 404:
            return IndexMissing(text)
        if status is not None and 400 <= status < 500 and status not in NOT_REJECTED:
            translated = SearchQueryRejected(text)
        else:
            translated = SearchEngineUnavailable(text)
        translated.status = status
        return translated

    def _options(self, timeout: float):
        return self.client.options(request_timeout=timeout)

    def _search_raw(self, body: dict, *, index: str | None = None) -> dict:
        return self._call(
            lambda: (
                self._options(self.timeout)
                .perform_request(
                    "POST", f"/{index or self.alias}/_search", headers=JSON, body=body
                )
                .body
            )
        )

    def _post_bulk(self, payload: bytes, refresh: str) -> dict:
        headers = {
            "accept": "application/json",
            "content-type": "application/x-ndjson",
        }
        return self._call(
            lambda: (
                self._options(self.bulk_timeout)
                .perform_request(
                    "POST",
                    "/_bulk",
                    params={"require_alias": "true", "refresh": refresh},
                    headers=headers,
                    body=payload,
                )
                .body
            )
        )

    def _create_index(self, name: str, body: dict) -> None:
        self._call(self._indices().create, index=name, **body)

    def _update_aliases(self, actions: list[dict]) -> None:
        self._call(self._indices().update_aliases, actions=actions)

    def _put_settings(self, name: str, settings: dict) -> None:
        self._call(self._indices().put_settings, index=name, settings=settings)

    def _cat_indices(self, index: str) -> list[dict]:
        return list(
            self._call(
                self._options(self.timeout).cat.indices,
                index=index,
                format="json",
                h="index,health,status,docs.count",
            )
        )

    def _refresh_value(self, refresh):
        refresh = self.refresh if refresh is None else refresh
        return (
            "true"
            if refresh is True
            else ("wait_for" if refresh == "wait_for" else "false")
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
        try:
            return sorted(self._call(self._indices().get_alias, name=self.alias).keys())
        except IndexMissing:
            return []

    def index_body(self, name: str, *, loading: bool = False, alias=False) -> dict:
        body = engine_index(name).to_dict()
        index_settings = body.setdefault("settings", {})
        index_settings.pop("number_of_replicas", None)
        if self.replicas is None:
            index_settings["auto_expand_replicas"] = "0-1"
        else:
            index_settings["number_of_replicas"] = int(self.replicas)
        if loading:
            index_settings["refresh_interval"] = "-1"
        if alias:
            body["aliases"] = {self.alias: {"is_write_index": True}}
        return body

    def create_index(self, name: str, *, loading: bool = False) -> None:
        self._create_index(name, self.index_body(name, loading=loading))

    def ensure_index(self) -> bool:
        """Create an empty index under the alias when there is none, in one
        request (index, mapping and alias together: concurrent callers cannot
        leave two indices, nor a dynamically mapped one, under the alias).
        True when this call created it."""
        if self.alias_targets():
            return False
        name = self._new_index_name()
        try:
            self._create_index(name, self.index_body(name, alias=True))
        except SearchEngineUnavailable as error:
            # Another process won the race: the engine refuses a second write
            # index for the alias (400 on OpenSearch, 500 on Elasticsearch).
            if error.status is not None and self.alias_targets():
                self._drop_if_orphan(name)
                return False
            raise
        targets = self.alias_targets()
        if len(targets) > 1 and targets[0] != name:  # both won: keep the oldest
            self._drop_if_orphan(name, force=True)
            return False
        return True

    def _drop_if_orphan(self, name: str, *, force: bool = False) -> None:
        try:
            if force or name not in self.alias_targets():
                self._call(self._indices().delete, index=name)
        except IndexMissing:
            pass

    def _new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"

    # Writes ----------------------------------------------------------------

    def _write(self, actions, *, refresh=None) -> bulk_helpers.BulkReport:
        return bulk_helpers.send(
            lambda payload: self._post_bulk(payload, self._refresh_value(refresh)),
            actions,
        )

    def bulk(self, documents: Iterable[SearchDocument], *, refresh=None) -> int:
        """Index ``documents`` through the alias (never creating an index: a
        missing alias raises IndexMissing and the write is queued for retry).
        Documents the engine refuses for good are logged and skipped."""
        report = self._write(
            (
                ({"index": {"_index": self.alias, "_id": d.key}}, d.as_engine_source())
                for d in documents
            ),
            refresh=refresh,
        )
        self.last_failures = report.failed
        return report.ok

    def delete(self, keys: Iterable[str], *, refresh=None) -> int:
        keys = list(keys)
        if not keys:
            return 0
        self._write(
            (({"delete": {"_index": self.alias, "_id": key}}, None) for key in keys),
            refresh=refresh,
        )
        return len(keys)

    def clear(self) -> None:
        for name in self.alias_targets():
            self._call(self._indices().delete, index=name)

    def reindex(self, documents, *, progress=None, batch_size=500) -> ReindexResult:
        """New index, bulk load, atomic alias swap, old indices dropped."""
        started = time.monotonic()
        old = self.alias_targets()
        name = self._new_index_name()
        self.create_index(name, loading=True)
        counted = {"n": 0}

        def actions():
            for document in documents:
                counted["n"] += 1
                if progress and counted["n"] % batch_size == 0:
                    progress(batch_size)
                yield (
                    {"index": {"_index": name, "_id": document.key}},
                    document.as_engine_source(),
                )

        try:
            report = bulk_helpers.send(
                lambda payload: self._post_bulk_to_index(payload), actions()
            )
            if progress and counted["n"] % batch_size:
                progress(counted["n"] % batch_size)
            # Back to the engine's default refresh (not pinned to a value).
            self._put_settings(name, {"index": {"refresh_interval": None}})
            self._call(self._indices().refresh, index=name)
            actions_ = [
                {"remove": {"index": old_name, "alias": self.alias}} for old_name in old
            ]
            actions_.append(
                {"add": {"index": name, "alias": self.alias, "is_write_index": True}}
            )
            self._update_aliases(actions_)
        except Exception:
            self._call(self._indices().delete, index=name)
            raise
        if old:
            # Searches that resolved the alias just before the swap may still
            # be running on the old index: give them their timeout to finish.
            time.sleep(self.alias_grace)
        removed = 0
        for old_name in old:
            removed += self._count_index(old_name)
            self._call(self._indices().delete, index=old_name)
        self.last_failures = report.failed
        return ReindexResult(
            self.name,
            report.ok,
            max(removed - report.ok, 0),
            time.monotonic() - started,
            name,
        )

    def _post_bulk_to_index(self, payload: bytes) -> dict:
        """Bulk into a new concrete index (reindex): no alias to require."""
        return self._post_bulk_raw(payload)

    def _post_bulk_raw(self, payload: bytes) -> dict:
        headers = {
            "accept": "application/json",
            "content-type": "application/x-ndjson",
        }
        return self._call(
            lambda: (
                self._options(self.bulk_timeout)
                .perform_request("POST", "/_bulk", headers=headers, body=payload)
                .body
            )
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
            raise IndexMissing(self._missing_message())
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

    def _missing_message(self) -> str:
        return f"no index {self.alias} yet: run manage.py search_reindex"

    def health(self) -> dict:
        """Health of the alias's own indices (not of the whole cluster), read
        with index-level privileges only (``monitor`` on the alias)."""
        status = {"engine": self.name, "url": _redact(self.url), "index": self.alias}
        try:
            rows = self._cat_indices(self.alias)
            health = {row.get("health") for row in rows}
            status["indices"] = sorted(row.get("index") for row in rows)
            status["cluster"] = (
                "red"
                if "red" in health
                else "yellow"
                if "yellow" in health
                else "green"
            )
            status["documents"] = sum(int(row.get("docs.count") or 0) for row in rows)
            if self.alias in status["indices"]:
                status.update(
                    status="error",
                    error=f"{self.alias} is an index, not an alias: run search_reindex",
                )
            else:
                status["status"] = "error" if "red" in health else "ok"
        except IndexMissing:
            status.update(
                status="missing",
                documents=0,
                error=self._missing_message(),
            )
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

    def _facet_aggregations(self, search, query: SearchQuery) -> None:
        from elasticsearch.dsl import Q

        for facet in FACETS:
            others = self._filter_clauses(query, skip=facet.name)
            bucket = search.aggs.bucket(
                facet.name,
                "filter",
                filter=Q("bool", filter=others or [Q("match_all")]),
            )
            bucket.bucket("values", "terms", field=facet.field, size=FACET_SIZE)
            selected = query.filters.get(facet.name)
            if selected:
                # A selected value keeps its true count even when it is not
                # among the FACET_SIZE most frequent.
                values = [int(v) for v in selected] if facet.numeric else list(selected)
                bucket.bucket(
                    "selected",
                    "terms",
                    field=facet.field,
                    include=values,
                    size=len(values),
                )

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
                # Matches of the words as typed (no fuzziness), in the same
                # request: the yardstick of a spelling correction.
                search.aggs.bucket(
                    "exact",
                    "filter",
                    filter=Q(
                        "bool", must=[self._strict_query(text)], filter=filters or []
                    ),
                )
                search = search.suggest(
                    "spelling",
                    capped_text(text),
                    term={"field": "title", "suggest_mode": "missing"},
                )
        date = {"date": {"order": "desc", "missing": "_last"}}
        if query.effective_sort == Sort.DATE or not text:
            search = search.sort(date, "_score", TIE_BREAKER)
        else:
            search = search.sort("_score", date, TIE_BREAKER)
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

    @staticmethod
    def _exact(response: dict) -> int:
        return int(
            response.get("aggregations", {}).get("exact", {}).get("doc_count", 0)
        )

    @staticmethod
    def _corrected(text: str, response: dict) -> str | None:
        """Replace misspelt words with the engine's suggestion."""
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
        aggregations = response.get("aggregations", {})
        for facet in FACETS:
            facet_aggs = aggregations.get(facet.name, {})
            counts[facet.name] = {
                str(b["key"]): int(b["doc_count"])
                for name in ("values", "selected")
                for b in facet_aggs.get(name, {}).get("buckets", [])
                if str(b["key"])
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
                        "max_expansions": FUZZY_EXPANSIONS,
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
        # Only tags starting with the text, counted by the engine (not the top
        # tags of the matching documents filtered afterwards).
        search.aggs.bucket(
            "tags", "terms", field="tags", size=3, include=f"{_regexp_escape(prefix)}.*"
        )
        body = (
            search.source(["kind", "title", "url"])
            .sort(
                "_score", {"date": {"order": "desc", "missing": "_last"}}, TIE_BREAKER
            )
            .extra(size=limit)
            .to_dict()
        )
        response = self._search_raw(body)
        titles = [
            Suggestion(h["_source"]["title"], h["_source"]["url"], h["_source"]["kind"])
            for h in response["hits"]["hits"]
        ]
        search_url = reverse("search")
        tags = [
            Suggestion(b["key"], tag_search_url(search_url, b["key"]), "tag")
            for b in response.get("aggregations", {}).get("tags", {}).get("buckets", [])
        ][:3]
        keep_titles = max(limit - len(tags), limit // 2)
        return (titles[:keep_titles] + tags)[:limit]


class OpenSearchSearchBackend(ElasticsearchSearchBackend):
    """OpenSearch 2 through opensearch-py."""

    product = "opensearch"

    def make_client(self):
        from opensearchpy import OpenSearch

        return OpenSearch(
            **opensearch_kwargs(self.url, self.options, timeout=self.timeout)
        )

    def transport_errors(self) -> tuple:
        from opensearchpy.exceptions import OpenSearchException

        return (OpenSearchException,)

    def _options(self, timeout: float):
        return _OpenSearchWithTimeout(self.client, timeout)

    def _search_raw(self, body: dict, *, index: str | None = None) -> dict:
        return self._call(
            lambda: self._options(self.timeout).search(
                index=index or self.alias, body=body
            )
        )

    def _post_bulk(self, payload: bytes, refresh: str) -> dict:
        return self._call(
            self._options(self.bulk_timeout).bulk,
            body=payload,
            params={"require_alias": "true", "refresh": refresh},
        )

    def _post_bulk_raw(self, payload: bytes) -> dict:
        return self._call(self._options(self.bulk_timeout).bulk, body=payload)

    def _create_index(self, name: str, body: dict) -> None:
        self._call(self._indices().create, index=name, body=body)

    def _update_aliases(self, actions: list[dict]) -> None:
        self._call(self._indices().update_aliases, body={"actions": actions})

    def _put_settings(self, name: str, settings: dict) -> None:
        self._call(self._indices().put_settings, index=name, body=settings)

    def _cat_indices(self, index: str) -> list[dict]:
        return list(
            self._call(
                self._options(self.timeout).cat.indices,
                index=index,
                format="json",
                h="index,health,status,docs.count",
            )
        )


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


def _regexp_escape(text: str) -> str:
    """Lucene regular expression syntax: every reserved character escaped."""
    return re.sub(r'([.?+*|{}\[\]()"\\#@&<>~^$])', r"\\\1", text)


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
