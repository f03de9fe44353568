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

import logging
import re
import time
from collections.abc import Iterable

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

UPSERT_FIELDS = [
    "source",
    "object_id",
    "kind",
    "title",
    "summary",
    "body",
    "tags",
    "url",
    "language",
    "search_config",
    "date",
    "year",
    "knowledge_type",
    "format",
    "level",
    "working_groups",
    "regions",
    "is_public",
    "group_ids",
    "cjk_title",
    "cjk_text",
    "updated_at",
]
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
}


def document_row(document: SearchDocument):
    from ..models import IndexedDocument

    cjk_title = cjk_bigrams(document.title) if has_cjk(document.title) else ""
    text = f"{document.summary} {document.body}"
    cjk_text = cjk_bigrams(text) if has_cjk(text) else ""
    return IndexedDocument(
        key=document.key,
        source=document.source,
        object_id=document.object_id,
        kind=document.kind,
        title=document.title,
        summary=document.summary,
        body=document.body,
        tags=document.tags,
        url=document.url,
        language=document.language,
        search_config=document.search_config,
        date=document.date,
        year=document.year,
        knowledge_type=document.knowledge_type,
        format=document.format,
        level=document.level,
        working_groups=document.working_groups,
        regions=document.regions,
        is_public=document.is_public,
        group_ids=document.group_ids if not document.is_public else [],
        cjk_title=cjk_title,
        cjk_text=cjk_text,
        first_indexed_at=timezone.now(),
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

    def copy(self) -> _Sql:
        other = _Sql()
        other.parts = list(self.parts)
        other.params = list(self.params)
        return other


class DatabaseSearchBackend(SearchBackend):
    is_database = True

    def __init__(self, name: str, **params):
        super().__init__(name, **params)
        self.timeout_ms = int(
            1000
            * float(
                params.get("timeout") or max(settings.SEARCH_TIMEOUT_SECONDS * 3, 5)
            )
        )

    # Writes ---------------------------------------------------------------

    def bulk(self, documents: Iterable[SearchDocument]) -> int:
        from ..models import IndexedDocument

        rows = [document_row(document) for document in documents]
        if not rows:
            return 0
        IndexedDocument.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=UPSERT_FIELDS,
            batch_size=500,
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
            cursor.execute("DELETE FROM search_document")
            cursor.execute("DELETE FROM search_term")

    def reindex(self, documents, *, progress=None, batch_size=500) -> ReindexResult:
        """Upsert everything and drop what was not seen, in one transaction:
        readers keep the old table until the commit."""
        started = time.monotonic()
        since = timezone.now()
        indexed = 0
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL search.bulk_load = 'on'")
            for batch in batched(documents, batch_size):
                indexed += self.bulk(batch)
                if progress:
                    progress(len(batch))
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM search_document WHERE updated_at < %s", [since]
                )
                removed = cursor.rowcount
                cursor.execute("SELECT search_terms_rebuild()")
                cursor.execute("SET LOCAL search.bulk_load = 'off'")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_document")
            cursor.execute("ANALYZE search_term")
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
        matched = self._match(cursor, text)
        if matched is None:
            return 0
        where = matched[0]
        self._visibility(where, scope)
        self._filters(where, query)
        cursor.execute(
            f"SELECT count(*) FROM search_document WHERE {where.sql()}", where.params
        )
        return cursor.fetchone()[0]

    def _search_text(self, cursor, query, scope, text) -> SearchResults:
        results = SearchResults(query=query, engine=self.name)
        combined = None
        if text:
            matched = self._match(cursor, text)
            if matched is None:
                results.facets = facet_results(query, {})
                return results
            base, combined = matched
        else:
            base = _Sql()
        self._visibility(base, scope)
        if query.indexed_after is not None:
            base.add("first_indexed_at > %s", query.indexed_after)

        where = base.copy()
        self._filters(where, query)
        if combined and query.effective_sort == Sort.RELEVANCE:
            rank = f"ts_rank('{RANK_WEIGHTS}', search_vector, %s::tsquery, 1)"
            order = "rank DESC, date DESC NULLS LAST, id DESC"
            rank_params = [combined]
        else:
            rank, order, rank_params = "0", "date DESC NULLS LAST, id DESC", []
        cursor.execute(
            f"SELECT id, {rank} AS rank, count(*) OVER () FROM search_document "
            f"WHERE {where.sql()} ORDER BY {order} LIMIT %s OFFSET %s",
            [*rank_params, *where.params, query.per_page, query.offset],
        )
        page = cursor.fetchall()
        if page:
            results.total = page[0][2]
        elif query.offset:
            cursor.execute(
                f"SELECT count(*) FROM search_document WHERE {where.sql()}",
                where.params,
            )
            results.total = cursor.fetchone()[0]
        results.hits = self._hits(cursor, page, combined, text)
        results.facets = facet_results(query, self._facet_counts(cursor, base, query))
        return results

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

    def _facet_counts(self, cursor, base: _Sql, query: SearchQuery) -> dict:
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
        cursor.execute(
            f"WITH m AS MATERIALIZED (SELECT {columns} FROM search_document "
            f"WHERE {base.sql()}) " + " UNION ALL ".join(branches),
            [*base.params, *params],
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
        fuzzy = " OR %s <%% title_folded" if len(folded) >= 4 else ""
        fuzzy_params = [folded] if fuzzy else []
        cursor.execute(
            f"SELECT kind, title, url FROM search_document WHERE {where.sql()} AND "
            f"(title_folded LIKE %s{fuzzy}) "
            "ORDER BY (title_folded LIKE %s) DESC, word_similarity(%s, title_folded) DESC, "
            "date DESC NULLS LAST LIMIT %s",
            [*where.params, f"%{like}%", *fuzzy_params, f"{like}%", folded, limit],
        )
        titles = [
            Suggestion(title, url, kind) for kind, title, url in cursor.fetchall()
        ]
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
