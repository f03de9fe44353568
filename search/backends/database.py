"""PostgreSQL full-text search over the search_document table.

- Weighted vectors (title and tags A, summary B, body C) built by a trigger with
  the document's own text search configuration (language-aware stemming after
  unaccent); GIN index on the vector.
- ``websearch_to_tsquery`` syntax: words, "quoted phrases", -exclusions, ``or``.
  The query is parsed with every configuration and the variants are OR-ed, so a
  French query stems like French documents and an English one like English ones;
  with an exclusion, each document is also checked against its own language's
  query (an OR of variants would let an excluded word through).
- ``ts_rank`` relevance, ``ts_headline`` snippets, facet counts in one statement.
- pg_trgm on a per-visibility vocabulary (search_term) for typo tolerance and
  "did you mean", and on folded titles for autocompletion.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ..documents import (
    LANGUAGE_CONFIGS,
    MARK_END,
    MARK_START,
    SIMPLE_CONFIG,
    SearchDocument,
    cjk_bigrams,
    has_cjk,
)
from ..faceted import (
    FACET_SIZE,
    FACETS,
    WORD,
    SearchHit,
    SearchQuery,
    SearchResults,
    Sort,
    Suggestion,
    facet_results,
    query_tokens,
    tag_search_url,
)
from ..permissions import SearchScope
from .base import ReindexResult, SearchBackend, SearchEngineUnavailable, batched

logger = logging.getLogger(__name__)

CONFIGS = sorted({*LANGUAGE_CONFIGS.values(), SIMPLE_CONFIG})
RANK_WEIGHTS = "{0.1, 0.25, 0.5, 1.0}"  # D, C, B, A
HEADLINE_TITLE = f'HighlightAll=true, StartSel="{MARK_START}", StopSel="{MARK_END}"'
HEADLINE_BODY = (
    f'MaxFragments=2, MaxWords=28, MinWords=10, ShortWord=2, FragmentDelimiter=" … ", '
    f'StartSel="{MARK_START}", StopSel="{MARK_END}"'
)
SNIPPET_SOURCE_CHARS = 20_000
CORRECTION_THRESHOLD = 5  # below this many hits, look for a better spelling
SUGGEST_CANDIDATES = 200

# Columns written by bulk(), with their SQL casts; search_vector and
# title_folded are computed by the search_document_prepare trigger.
WRITE_COLUMNS = [
    ("key", ""),
    ("source", ""),
    ("object_id", ""),
    ("kind", ""),
    ("title", ""),
    ("summary", ""),
    ("body", ""),
    ("tags", "::varchar[]"),
    ("url", ""),
    ("language", ""),
    ("search_config", ""),
    ("date", "::timestamptz"),
    ("year", "::int"),
    ("knowledge_type", ""),
    ("format", ""),
    ("level", ""),
    ("working_groups", "::int[]"),
    ("regions", "::varchar[]"),
    ("countries", "::varchar[]"),
    ("is_public", ""),
    ("group_ids", "::int[]"),
    ("cjk_title", ""),
    ("cjk_text", ""),
    ("first_indexed_at", "::timestamptz"),
    ("updated_at", "::timestamptz"),
]
# Everything but the key and the first-indexed time; an unchanged document is
# not rewritten (no trigger, no dead row), which makes reindexing cheap.
COMPARED_COLUMNS = [
    name
    for name, _cast in WRITE_COLUMNS
    if name not in {"key", "first_indexed_at", "updated_at"}
]
UPSERT_SQL = (
    f"INSERT INTO search_document ({', '.join(n for n, _ in WRITE_COLUMNS)}) "
    "VALUES %s ON CONFLICT (key) DO UPDATE SET "
    + ", ".join(
        f"{n} = EXCLUDED.{n}"
        for n, _ in WRITE_COLUMNS
        if n not in {"key", "first_indexed_at"}
    )
    + f" WHERE ({', '.join('search_document.' + n for n in COMPARED_COLUMNS)}) "
    f"IS DISTINCT FROM ({', '.join('EXCLUDED.' + n for n in COMPARED_COLUMNS)})"
)
UPSERT_TEMPLATE = "(" + ", ".join(f"%s{cast}" for _n, cast in WRITE_COLUMNS) + ")"
HIT_COLUMNS = (
    "id, key, source, object_id, kind, title, url, summary, date, tags, language, "
    "is_public, knowledge_type, format, level, working_groups"
)
FACET_COLUMNS = {
    "kind": ("kind", "varchar"),
    "knowledge_type": ("knowledge_type", "varchar"),
    "format": ("format", "varchar"),
    "level": ("level", "varchar"),
    "language": ("language", "varchar"),
    "year": ("year", "int"),
    "group": ("working_groups", "int[]"),
    "tag": ("tags", "varchar[]"),
    "region": ("regions", "varchar[]"),
    "country": ("countries", "varchar[]"),
}


def document_row(document: SearchDocument, now) -> tuple:
    cjk_title = cjk_bigrams(document.title) if has_cjk(document.title) else ""
    text = f"{document.summary} {document.body}"
    cjk_text = cjk_bigrams(text) if has_cjk(text) else ""
    return (
        document.key,
        document.source,
        document.object_id,
        document.kind,
        document.title,
        document.summary,
        document.body,
        document.tags,
        document.url,
        document.language,
        document.search_config,
        document.date,
        document.year,
        document.knowledge_type,
        document.format,
        document.level,
        document.working_groups,
        document.regions,
        document.countries,
        document.is_public,
        document.group_ids if not document.is_public else [],
        cjk_title,
        cjk_text,
        now,
        now,
    )


def prepare_text(text: str) -> str:
    """Chinese/Japanese/Korean runs become bigrams, as in the indexed text."""
    if not has_cjk(text):
        return text
    return re.sub(
        r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+",
        lambda m: " " + cjk_bigrams(m.group(0)) + " ",
        text,
    )


class _Sql:
    """A WHERE clause under construction, with its parameters."""

    def __init__(self):
        self.parts: list[str] = []
        self.params: list = []

    def add(self, sql: str, *params):
        self.parts.append(sql)
        self.params.extend(params)

    def sql(self) -> str:
        return " AND ".join(self.parts) if self.parts else "TRUE"

    def extend(self, other: _Sql) -> None:
        self.parts.extend(other.parts)
        self.params.extend(other.params)

    def copy(self) -> _Sql:
        other = _Sql()
        other.parts = list(self.parts)
        other.params = list(self.params)
        return other


class DatabaseSearchBackend(SearchBackend):
    is_database = True

    def __init__(self, name: str, **params):
        super().__init__(name, **params)
        # Exact results up to exact_limit matches; exact totals up to
        # broad_limit; a window of sample_size candidates beyond (see
        # _search_text). The defaults keep p95 under 50 ms at 100,000 documents.
        self.exact_limit = int(params.get("exact_limit") or 1000)
        self.broad_limit = int(params.get("broad_limit") or 0)  # 0: from table size
        self.sample_size = int(params.get("sample_size") or 200)
        self.timeout_ms = int(
            1000
            * float(
                params.get("timeout") or max(settings.SEARCH_TIMEOUT_SECONDS * 3, 5)
            )
        )

    # Writes ---------------------------------------------------------------

    def bulk(self, documents: Iterable[SearchDocument]) -> int:
        from psycopg2.extras import execute_values

        now = timezone.now()
        rows = [document_row(document, now) for document in documents]
        if not rows:
            return 0
        connection.ensure_connection()
        with connection.cursor() as cursor:
            execute_values(
                cursor.cursor, UPSERT_SQL, rows, template=UPSERT_TEMPLATE, page_size=500
            )
        return len(rows)

    def delete(self, keys: Iterable[str]) -> int:
        from ..models import IndexedDocument

        keys = list(keys)
        if not keys:
            return 0
        deleted, _ = IndexedDocument.objects.filter(key__in=keys).delete()
        return deleted

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_document, search_term")

    def reindex(self, documents, *, progress=None, batch_size=500) -> ReindexResult:
        """Upsert everything and drop what was not seen, in one transaction:
        readers keep the old table until the commit."""
        from psycopg2.extras import execute_values

        started = time.monotonic()
        indexed = 0
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL search.bulk_load = 'on'")
                cursor.execute("DROP TABLE IF EXISTS search_reindex_keys")
                cursor.execute(
                    "CREATE TEMP TABLE search_reindex_keys (key varchar(120) PRIMARY KEY)"
                    " ON COMMIT DROP"
                )
                for batch in batched(documents, batch_size):
                    indexed += self.bulk(batch)
                    execute_values(
                        cursor.cursor,
                        "INSERT INTO search_reindex_keys (key) VALUES %s "
                        "ON CONFLICT DO NOTHING",
                        [(document.key,) for document in batch],
                        page_size=1000,
                    )
                    if progress:
                        progress(len(batch))
                cursor.execute(
                    "DELETE FROM search_document d WHERE NOT EXISTS "
                    "(SELECT 1 FROM search_reindex_keys k WHERE k.key = d.key)"
                )
                removed = cursor.rowcount
                cursor.execute("SELECT search_terms_rebuild()")
                cursor.execute("SET LOCAL search.bulk_load = 'off'")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_document")
            # The vocabulary was rebuilt (every row deleted and inserted again):
            # without a vacuum its trigram index keeps the dead entries until
            # autovacuum comes by, and every "did you mean" pays for them.
            if connection.in_atomic_block:
                cursor.execute("ANALYZE search_term")
            else:
                cursor.execute("VACUUM (ANALYZE) search_term")
            # Merge the GIN pending lists (fastupdate) into the indexes now:
            # otherwise every query scans the pending entries linearly until
            # autovacuum runs, which costs milliseconds on each one.
            cursor.execute(
                "SELECT gin_clean_pending_list(c.oid) FROM pg_index i"
                " JOIN pg_class c ON c.oid = i.indexrelid"
                " JOIN pg_am a ON a.oid = c.relam"
                " WHERE a.amname = 'gin' AND i.indrelid IN"
                " ('search_document'::regclass, 'search_term'::regclass)"
            )
        return ReindexResult(
            self.name, indexed, removed, time.monotonic() - started, "search_document"
        )

    # Reads -----------------------------------------------------------------

    def count(self) -> int:
        from ..models import IndexedDocument

        return IndexedDocument.objects.count()

    def keys(self) -> set[str]:
        from ..models import IndexedDocument

        return set(IndexedDocument.objects.values_list("key", flat=True))

    def health(self) -> dict:
        from ..models import PendingIndexOperation

        try:
            return {
                "engine": self.name,
                "status": "ok",
                "documents": self.count(),
                "pending": PendingIndexOperation.objects.count(),
            }
        except DatabaseError as error:
            return {"engine": self.name, "status": "error", "error": str(error)[:200]}

    def _run(self, function):
        """Run read queries under a statement timeout; a timeout is 'unavailable'."""
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL statement_timeout = {self.timeout_ms}")
                    return function(cursor)
        except DatabaseError as error:
            if "statement timeout" in str(error) or "canceling statement" in str(error):
                raise SearchEngineUnavailable(str(error)) from error
            raise

    def search(self, query: SearchQuery, scope: SearchScope) -> SearchResults:
        return self._run(lambda cursor: self._search(cursor, query, scope))

    def _parse(self, cursor, text: str) -> dict[str, str]:
        """tsquery text per configuration (empty when only stop words)."""
        prepared = prepare_text(text)
        columns = ", ".join(
            f"websearch_to_tsquery('{config}', %s)::text" for config in CONFIGS
        )
        cursor.execute(f"SELECT {columns}", [prepared] * len(CONFIGS))
        return dict(zip(CONFIGS, cursor.fetchone(), strict=True))

    def _match(self, cursor, text: str):
        """(where clause, combined tsquery text) for ``text``; None when no lexemes."""
        per_config = self._parse(cursor, text)
        variants = sorted({q for q in per_config.values() if q})
        if not variants:
            return None
        combined = " | ".join(f"( {q} )" for q in variants)
        where = _Sql()
        where.add("search_vector @@ %s::tsquery", combined)
        if any(token.negated for token in query_tokens(text)):
            cases = " ".join(
                f"WHEN '{config}' THEN %s::tsquery"
                for config in CONFIGS
                if per_config[config]
            )
            params = [per_config[c] for c in CONFIGS if per_config[c]]
            where.add(
                f"search_vector @@ (CASE search_config {cases} ELSE %s::tsquery END)",
                *params,
                per_config[SIMPLE_CONFIG] or combined,
            )
        return where, combined

    @staticmethod
    def _visibility(where: _Sql, scope: SearchScope) -> None:
        if scope.all:
            return
        if scope.group_ids:
            where.add("(is_public OR group_ids && %s::int[])", sorted(scope.group_ids))
        else:
            where.add("is_public")

    @staticmethod
    def _filters(where: _Sql, query: SearchQuery, *, skip: str | None = None) -> None:
        for name, values in query.filters.items():
            if name == skip or name not in FACET_COLUMNS:
                continue
            column, kind = FACET_COLUMNS[name]
            if kind == "int[]":
                where.add(f"{column} && %s::int[]", [int(v) for v in values])
            elif kind.endswith("[]"):
                where.add(f"{column} && %s::{kind}", list(values))
            elif kind == "int":
                where.add(f"{column} = ANY(%s::int[])", [int(v) for v in values])
            else:
                where.add(f"{column} = ANY(%s::varchar[])", list(values))

    def _search(self, cursor, query: SearchQuery, scope: SearchScope) -> SearchResults:
        results = self._search_text(cursor, query, scope, query.text)
        if query.text and results.total < CORRECTION_THRESHOLD:
            corrected = self._correct(cursor, query.text, scope)
            if corrected and corrected.lower() != query.text.lower():
                if results.total == 0 and query.autocorrect:
                    retry = self._search_text(cursor, query, scope, corrected)
                    if retry.total:
                        retry.corrected_text = corrected
                        return retry
                if self._total(cursor, query, scope, corrected) > results.total:
                    results.suggestion = corrected
        return results

    def _total(self, cursor, query, scope, text) -> int:
        """Matches of ``text`` (counted up to the exact limit), for "did you mean"."""
        matched = self._match(cursor, text)
        if matched is None:
            return 0
        where = matched[0]
        self._visibility(where, scope)
        self._filters(where, query)
        with self._plan(cursor, "bitmap"):
            return self._bounded_count(cursor, where, self.exact_limit + 1)

    @staticmethod
    def _bounded_count(cursor, where: _Sql, limit: int) -> int:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM search_document "
            f"WHERE {where.sql()} LIMIT %s) bounded",
            [*where.params, limit],
        )
        return cursor.fetchone()[0]

    @staticmethod
    def _estimate(
        cursor, match: _Sql, scope_sql: _Sql, filters: _Sql, sample: int = 2000
    ) -> tuple[int, int]:
        """(all, filtered) matches of a broad query, from one pass: the share of
        matching documents among the newest ``sample`` in scope, times the
        planner's count of documents in scope (its own estimates for full-text
        matches are far off)."""
        matching = match.copy()
        matching.extend(filters)
        if filters.parts:
            filtered_sql = f"count(*) FILTER (WHERE {matching.sql()})"
            filtered_params = matching.params
        else:
            filtered_sql, filtered_params = "0", []
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE {match.sql()}), {filtered_sql}, count(*)"
            " FROM (SELECT * FROM search_document "
            f"WHERE {scope_sql.sql()} ORDER BY date DESC NULLS LAST LIMIT %s) newest",
            [*match.params, *filtered_params, *scope_sql.params, sample],
        )
        hits, filtered_hits, sampled = cursor.fetchone()
        if not filters.parts:
            filtered_hits = hits
        if not sampled:
            return 0, 0
        if sampled < sample:  # the sample is everything in scope: exact
            return hits, filtered_hits
        cursor.execute(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM search_document WHERE {scope_sql.sql()}",
            scope_sql.params,
        )
        plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        in_scope = max(int(plan[0]["Plan"]["Plan Rows"]), sampled)
        return round(in_scope * hits / sampled), round(
            in_scope * filtered_hits / sampled
        )

    def _search_text(self, cursor, query, scope, text) -> SearchResults:
        """Exact while a query matches at most ``exact_limit`` documents.

        Beyond that the work is bounded, as Elasticsearch bounds total hits:
        relevance is ranked within a candidate window (the newest
        ``sample_size`` matches plus the newest title/tag/summary matches),
        facets are counted on the newest matches and scaled, and past
        ``broad_limit`` matches the total is the planner's estimate. Broad
        queries stay fast, and cannot load the database, however large the
        corpus grows.
        """
        results = SearchResults(query=query, engine=self.name)
        combined = None
        match = _Sql()
        if text:
            matched = self._match(cursor, text)
            if matched is None:
                results.facets = facet_results(query, {})
                return results
            match, combined = matched
        rest = _Sql()  # everything but the words: visibility, alert window, filters
        self._visibility(rest, scope)
        if query.indexed_after is not None:
            rest.add("first_indexed_at > %s", query.indexed_after)
        base = match.copy()
        base.extend(rest)
        where = base.copy()
        self._filters(where, query)
        filters = _Sql()
        self._filters(filters, query)
        relevance = bool(combined) and query.effective_sort == Sort.RELEVANCE

        # How many? Counted exactly up to the broad limit (a bitmap scan that
        # stops there). Below it, matches are best read through the GIN bitmap;
        # above, through the date index, which stops once the window is full.
        broad_limit = self._broad_limit(cursor)
        if combined and "<->" in combined:
            # Phrases are checked row by row (positions): counting thousands of
            # them costs more than the window. Count exactly only the few.
            broad_limit = self.exact_limit
        # First the estimate (one sample of the newest documents in scope,
        # with and without the filters: a few milliseconds whatever the
        # query). Counting exactly visits a heap page per match, so it is only
        # done when the estimate says the count ends below the broad limit;
        # past it the count is "more than the broad limit", the total the
        # estimate (at least 90 matches in the sample, so not a wild guess).
        estimates = self._estimate(cursor, match, rest, filters)
        with self._plan(cursor, "bitmap"):
            if estimates[0] > broad_limit:
                base_count = broad_limit + 1
            else:
                base_count = self._bounded_count(cursor, base, broad_limit + 1)
            count = base_count
            if query.filters and base_count > self.exact_limit:
                if estimates[1] > broad_limit:
                    count = broad_limit + 1
                else:
                    count = self._bounded_count(cursor, where, broad_limit + 1)
        strategy = "bitmap" if count <= broad_limit else "date"
        window = None  # the newest matches, when the candidate window read them
        if count <= self.exact_limit:
            with self._plan(cursor, "bitmap"):
                page = self._page_exact(
                    cursor, where, query, combined if relevance else None
                )
            results.total = page[0][2] if page else (count if query.offset else 0)
        else:
            if count <= broad_limit:
                results.total = count
            else:
                results.total = max(estimates[1], count)
                results.total_approximate = True
            if relevance:
                # The head vector is part of the search vector, so without an
                # exclusion a head match is a match: only its index is read.
                head = where
                if not any(token.negated for token in query_tokens(text)):
                    head = rest.copy()
                    head.extend(filters)
                page, window = self._page_candidates(
                    cursor, where, head, query, combined, strategy
                )
                results.browsable = self.sample_size
            else:
                with self._plan(cursor, strategy):
                    page = self._page_exact(cursor, where, query, None, count=False)
        results.hits = self._hits(cursor, page, combined, text)

        if base_count <= self.exact_limit:
            with self._plan(cursor, "bitmap"):
                counts = self._facet_counts(cursor, base, query)
        else:
            base_total = base_count
            if base_count > broad_limit:
                base_total = max(estimates[0], base_count)
            if window is not None and not filters.parts:
                # Without filters the candidate window's newest matches are
                # exactly the facet sample: count them by id, no second scan.
                ids = _Sql()
                ids.add("id = ANY(%s)", window)
                counts = self._facet_counts(cursor, ids, query)
            else:
                with self._plan(
                    cursor, "bitmap" if base_count <= broad_limit else "date"
                ):
                    counts = self._facet_counts(
                        cursor, base, query, sample=self.sample_size
                    )
            factor = base_total / self.sample_size
            counts = {
                name: {value: max(1, round(n * factor)) for value, n in values.items()}
                for name, values in counts.items()
            }
            results.facets_approximate = True
        results.facets = facet_results(query, counts)
        return results

    def _broad_limit(self, cursor) -> int:
        """Where reading the newest matches through the date index becomes
        cheaper than reading all matches: sqrt(window × table size)."""
        if self.broad_limit:
            return self.broad_limit
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = 'search_document'::regclass"
        )
        rows = max(float(cursor.fetchone()[0] or 0), 1.0)
        return max(self.exact_limit, int((self.sample_size * rows) ** 0.5))

    @staticmethod
    @contextmanager
    def _plan(cursor, strategy: str):
        """Steer the planner for one step: its estimates for full-text matches
        are often far off, and the wrong plan costs ten times more."""
        off = (
            ["enable_indexscan", "enable_seqscan"]
            if strategy == "bitmap"
            else ["enable_bitmapscan", "enable_seqscan"]
        )
        cursor.execute("; ".join(f"SET LOCAL {name} = off" for name in off))
        try:
            yield
        finally:
            cursor.execute("; ".join(f"SET LOCAL {name} = on" for name in off))

    @staticmethod
    def _page_exact(cursor, where: _Sql, query, combined, *, count: bool = True):
        if combined:
            rank = f"ts_rank('{RANK_WEIGHTS}', search_vector, %s::tsquery, 1)"
            order = "rank DESC, date DESC NULLS LAST, id DESC"
            rank_params = [combined]
        else:
            rank, order, rank_params = "0", "date DESC NULLS LAST, id DESC", []
        total = "count(*) OVER ()" if count else "0"
        cursor.execute(
            f"SELECT id, {rank} AS rank, {total} FROM search_document "
            f"WHERE {where.sql()} ORDER BY {order} LIMIT %s OFFSET %s",
            [*rank_params, *where.params, query.per_page, query.offset],
        )
        return cursor.fetchall()

    def _page_candidates(
        self, cursor, where: _Sql, head: _Sql, query, combined, strategy
    ):
        """Rank the candidate window: the newest matches, plus matches in titles,
        tags and summaries (the head vector: the likeliest best), each read the
        cheapest way."""
        with self._plan(cursor, strategy):
            cursor.execute(
                f"SELECT id FROM search_document WHERE {where.sql()}"
                " ORDER BY date DESC NULLS LAST LIMIT %s",
                [*where.params, self.sample_size],
            )
            window = [row[0] for row in cursor.fetchall()]
            ids = set(window)
        with self._plan(cursor, "bitmap"):
            cursor.execute(
                f"SELECT id FROM search_document WHERE {head.sql()}"
                " AND head_vector @@ %s::tsquery LIMIT %s",
                [*head.params, combined, self.sample_size // 2],
            )
            ids.update(row[0] for row in cursor.fetchall())
        cursor.execute(
            f"SELECT id, ts_rank('{RANK_WEIGHTS}', search_vector, %s::tsquery, 1)"
            " AS rank, 0 FROM search_document WHERE id = ANY(%s)"
            " ORDER BY rank DESC, date DESC NULLS LAST, id DESC LIMIT %s OFFSET %s",
            [combined, sorted(ids), query.per_page, query.offset],
        )
        return cursor.fetchall(), window

    def _hits(self, cursor, page, combined, text) -> list[SearchHit]:
        if not page:
            return []
        ids = [row[0] for row in page]
        scores = {row[0]: float(row[1]) for row in page}
        if combined:
            highlight = (
                "ts_headline(search_config::regconfig, title, %s::tsquery, %s), "
                "ts_headline(search_config::regconfig, "
                "left(summary || E'\\n' || body, %s), %s::tsquery, %s)"
            )
            params = [
                combined,
                HEADLINE_TITLE,
                SNIPPET_SOURCE_CHARS,
                combined,
                HEADLINE_BODY,
            ]
        else:
            highlight, params = "NULL, NULL", []
        cursor.execute(
            f"SELECT {HIT_COLUMNS}, {highlight} FROM search_document WHERE id = ANY(%s)",
            [*params, ids],
        )
        rows = {row[0]: row for row in cursor.fetchall()}
        hits = []
        for pk in ids:
            row = rows.get(pk)
            if row is None:
                continue
            (_, key, source, object_id, kind, title, url, summary, date, tags,
             language, is_public, knowledge_type, format_, level, groups,
             title_highlight, snippet) = row  # fmt: skip
            if text and has_cjk(text):
                title_highlight = _cjk_highlight(title, text)
                snippet = _cjk_highlight(summary, text)
            if snippet and MARK_START not in snippet and summary:
                snippet = ""  # no match in the text: the summary reads better
            hits.append(
                SearchHit(
                    key=key,
                    source=source,
                    object_id=object_id,
                    kind=kind,
                    title=title,
                    url=url,
                    summary=summary,
                    date=date,
                    tags=list(tags or []),
                    language=language,
                    is_public=is_public,
                    knowledge_type=knowledge_type,
                    format=format_,
                    level=level,
                    working_groups=list(groups or []),
                    score=scores.get(pk, 0.0),
                    title_highlight=title_highlight or "",
                    snippet=snippet or "",
                )
            )
        return hits

    def _facet_counts(
        self, cursor, base: _Sql, query: SearchQuery, *, sample: int | None = None
    ) -> dict:
        branches, params = [], []
        for facet in FACETS:
            column, kind = FACET_COLUMNS[facet.name]
            where = _Sql()
            self._filters(where, query, skip=facet.name)
            if kind.endswith("[]"):
                value_sql = "value::text"
                source = f"m CROSS JOIN LATERAL unnest(m.{column}) AS value"
            else:
                value_sql = f"m.{column}::text"
                source = "m"
            # Facet columns are unique per facet name, so m.column is unambiguous.
            branches.append(
                f"(SELECT %s AS facet, {value_sql} AS value, count(*) AS n "
                f"FROM {source} WHERE {where.sql()} "
                f"AND {value_sql} IS NOT NULL AND {value_sql} <> '' "
                f"GROUP BY 2 ORDER BY 3 DESC, 2 LIMIT {FACET_SIZE})"
            )
            params.extend([facet.name, *where.params])
        columns = ", ".join(sorted({c for c, _ in FACET_COLUMNS.values()}))
        sampling = " ORDER BY date DESC NULLS LAST LIMIT %s" if sample else ""
        cursor.execute(
            f"WITH m AS MATERIALIZED (SELECT {columns} FROM search_document "
            f"WHERE {base.sql()}{sampling}) " + " UNION ALL ".join(branches),
            [*base.params, *([sample] if sample else []), *params],
        )
        counts: dict[str, dict[str, int]] = {}
        for facet, value, n in cursor.fetchall():
            counts.setdefault(facet, {})[value] = n
        return counts

    # Spelling --------------------------------------------------------------

    @staticmethod
    def _scopes(scope: SearchScope) -> list[int] | None:
        return None if scope.all else [0, *sorted(scope.group_ids)]

    def _correct(self, cursor, text: str, scope: SearchScope) -> str | None:
        """``text`` with unknown words replaced by the closest known ones."""
        words = []
        for token in query_tokens(text):
            if token.negated or token.is_or:
                continue
            words.extend(w for w in WORD.findall(token.text) if len(w) >= 3)
        words = list(dict.fromkeys(words))[:10]
        if not words:
            return None
        scopes = self._scopes(scope)
        scope_sql = "TRUE" if scopes is None else "t.scope = ANY(%s)"
        scope_params = [] if scopes is None else [scopes]
        cursor.execute(
            "SELECT q.word, best.term FROM unnest(%s::text[]) AS q(word) "
            "CROSS JOIN LATERAL (SELECT lower(public.unaccent(q.word)) AS folded) f "
            "LEFT JOIN LATERAL ("
            "  SELECT t.term FROM search_term t"
            f"  WHERE t.kind = 'w' AND {scope_sql} AND t.term %% f.folded"
            "  GROUP BY t.term"
            "  ORDER BY (t.term = f.folded) DESC, max(similarity(t.term, f.folded)) DESC,"
            "           sum(t.document_count) DESC"
            "  LIMIT 1"
            ") best ON TRUE",
            [words, *scope_params],
        )
        replacements = {}
        for word, term in cursor.fetchall():
            if term and term != word.lower():
                replacements[word] = term
        if not replacements:
            return None
        return WORD.sub(lambda m: replacements.get(m.group(0), m.group(0)), text)

    # Autocomplete ----------------------------------------------------------

    def suggest(
        self, text: str, scope: SearchScope, *, limit: int = 8
    ) -> list[Suggestion]:
        text = " ".join(text.split())[:100]
        if len(text) < 2:
            return []
        return self._run(lambda cursor: self._suggest(cursor, text, scope, limit))

    def _suggest(self, cursor, text, scope, limit) -> list[Suggestion]:
        from django.urls import reverse

        cursor.execute("SELECT lower(public.unaccent(%s))", [text])
        folded = cursor.fetchone()[0]
        like = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where = _Sql()
        self._visibility(where, scope)
        # Bounded: at most SUGGEST_CANDIDATES matching titles are ordered, so a
        # two-letter prefix costs no more than a rare word.
        order = (
            "ORDER BY (title_folded LIKE %s) DESC, word_similarity(%s, title_folded) DESC,"
            " date DESC NULLS LAST LIMIT %s"
        )
        cursor.execute(
            f"SELECT kind, title, url FROM (SELECT kind, title, url, title_folded, date"
            f" FROM search_document WHERE {where.sql()} AND title_folded LIKE %s"
            f" LIMIT {SUGGEST_CANDIDATES}) candidates {order}",
            [*where.params, f"%{like}%", f"{like}%", folded, limit],
        )
        rows = cursor.fetchall()
        if len(rows) < limit and len(folded) >= 4:
            # Few exact substrings: allow a typo (trigram word similarity).
            cursor.execute(
                f"SELECT kind, title, url FROM (SELECT kind, title, url, title_folded, date"
                f" FROM search_document WHERE {where.sql()} AND %s <%% title_folded"
                f" LIMIT {SUGGEST_CANDIDATES}) candidates {order}",
                [*where.params, folded, f"{like}%", folded, limit],
            )
            seen = {row[2] for row in rows}
            rows += [row for row in cursor.fetchall() if row[2] not in seen]
        titles = [Suggestion(title, url, kind) for kind, title, url in rows[:limit]]
        scopes = self._scopes(scope)
        scope_sql = "" if scopes is None else " AND scope = ANY(%s)"
        cursor.execute(
            "SELECT term FROM search_term WHERE kind = 't' AND term LIKE %s"
            f"{scope_sql} GROUP BY term ORDER BY sum(document_count) DESC, term LIMIT 3",
            [f"{like}%", *([] if scopes is None else [scopes])],
        )
        search_url = reverse("search")
        tags = [
            Suggestion(term, tag_search_url(search_url, term), "tag")
            for (term,) in cursor.fetchall()
        ]
        keep_titles = max(limit - len(tags), limit // 2)
        return (titles[:keep_titles] + tags)[:limit]


def _cjk_highlight(text: str, query: str) -> str:
    """Mark the query's CJK runs (and their bigrams) in ``text``."""
    if not text:
        return ""
    runs = re.findall(
        r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+", query
    )
    pieces = sorted(
        {*runs, *cjk_bigrams(" ".join(runs)).split()}, key=len, reverse=True
    )
    pieces = [p for p in pieces if len(p) >= 2 or len(runs) == 1]
    if not pieces:
        return text
    pattern = re.compile("|".join(re.escape(p) for p in pieces))
    return pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", text)
