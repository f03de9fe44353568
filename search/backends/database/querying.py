"""Searching with the database backend: matching, counting, ranking, facets."""

from __future__ import annotations

import json
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction

from ...documents import (
    MARK_START,
    SIMPLE_CONFIG,
    has_cjk,
)
from ...faceted import (
    FACET_SIZE,
    FACETS,
    SearchHit,
    SearchQuery,
    SearchResults,
    Sort,
    facet_results,
    query_tokens,
)
from ...permissions import SearchScope
from ..base import SearchEngineUnavailable
from .common import (
    CONFIGS,
    CORRECTION_THRESHOLD,
    FACET_COLUMNS,
    HEADLINE_BODY,
    HEADLINE_TITLE,
    HIT_COLUMNS,
    RANK_WEIGHTS,
    SNIPPET_SOURCE_CHARS,
    _cjk_highlight,
    _Sql,
    prepare_text,
)

# Planner settings per step: bitmap scans (few matches, read through the GIN
# index), date order (many matches, read newest first until the window is full).
PLAN_DEFAULT = {
    "enable_indexscan": "on",
    "enable_seqscan": "on",
    "enable_bitmapscan": "on",
}
PLANS = {
    "default": PLAN_DEFAULT,
    "bitmap": {**PLAN_DEFAULT, "enable_indexscan": "off", "enable_seqscan": "off"},
    "date": {**PLAN_DEFAULT, "enable_bitmapscan": "off", "enable_seqscan": "off"},
}


RELATED_TERMS = 24  # words of a document that find its related documents


def _plan_sql(current: dict, wanted: dict) -> str:
    return "; ".join(
        f"SET LOCAL {name} = {value}"
        for name, value in wanted.items()
        if current.get(name) != value
    )


class DatabaseQueries:
    def _run(self, function, plan: str = "bitmap"):
        """Run read queries under a statement timeout; a timeout is 'unavailable'.

        The timeout and the planner settings of the first step (bitmap scans)
        go in one statement; steps change only the settings that differ (see
        ``_plan``), and nothing is reset at the end unless an outer transaction
        would keep the settings."""
        nested = connection.in_atomic_block
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    settings_sql = "; ".join(
                        filter(
                            None,
                            [
                                f"SET LOCAL statement_timeout = {self.timeout_ms}",
                                _plan_sql(PLAN_DEFAULT, PLANS[plan]),
                            ],
                        )
                    )
                    cursor.execute(settings_sql)
                    cursor.search_plan = PLANS[plan]
                    result = function(cursor)
                    if nested and cursor.search_plan != PLAN_DEFAULT:
                        cursor.execute(_plan_sql(cursor.search_plan, PLAN_DEFAULT))
                    return result
        except DatabaseError as error:
            if "statement timeout" in str(error) or "canceling statement" in str(error):
                raise SearchEngineUnavailable(str(error)) from error
            raise

    def search(self, query: SearchQuery, scope: SearchScope) -> SearchResults:
        return self._run(lambda cursor: self._search(cursor, query, scope))

    def related(self, key: str, scope: SearchScope, *, limit: int = 5):
        return self._run(lambda cursor: self._related(cursor, key, scope, limit))

    def _related(self, cursor, key: str, scope: SearchScope, limit: int):
        """Documents sharing the most words of this one's title, tags and
        summary (its head vector's most frequent lexemes, OR-ed), ranked."""
        cursor.execute(
            "SELECT (SELECT string_agg(quote_literal(l.lexeme), ' | ') FROM ("
            " SELECT lexeme FROM unnest(d.head_vector) WHERE length(lexeme) > 2"
            " ORDER BY array_length(positions, 1) DESC NULLS LAST, lexeme"
            " LIMIT %s) l) FROM search_document d WHERE d.key = %s",
            [RELATED_TERMS, key],
        )
        row = cursor.fetchone()
        if not row or not row[0]:
            return []
        similar = row[0]
        where = _Sql()
        where.add("search_vector @@ %s::tsquery", similar)
        where.add("key <> %s AND collapse_key <> %s", key, key)
        self._visibility(where, scope)
        with self._plan(cursor, "bitmap"):
            page = _grouped_page(
                cursor,
                where,
                f"ts_rank('{RANK_WEIGHTS}', search_vector, %s::tsquery, 1)",
                [similar],
                SearchQuery(per_page=limit),
                count=False,
            )
        return self._hits(cursor, page, None, "", scope)

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
        phrase = bool(combined) and "<->" in combined
        exact = None
        if not phrase:
            # The cheap exact count first (a bitmap count that stops past the
            # exact limit): a selective query needs no estimate, no plan
            # inspection and no head step.
            with self._plan(cursor, "bitmap"):
                exact = self._bounded_count(cursor, base, self.exact_limit + 1)
        if exact is not None and exact <= self.exact_limit:
            broad_limit = self.exact_limit
            base_count = exact
            count = base_count
            estimates = (exact, exact)
            if query.filters:
                with self._plan(cursor, "bitmap"):
                    count = self._bounded_count(cursor, where, self.exact_limit + 1)
        else:
            broad_limit = self._broad_limit(cursor)
            if phrase:
                # Phrases are checked row by row (positions): counting thousands
                # of them costs more than the window. Count exactly only the few.
                broad_limit = self.exact_limit
            # The estimate (one sample of the newest documents in scope, with
            # and without the filters: a few milliseconds whatever the query).
            # Counting exactly visits a heap page per match, so it is only done
            # when the estimate says the count ends below the broad limit; past
            # it the count is "more than the broad limit", the total the
            # estimate (at least 90 matches in the sample, so not a wild guess).
            with self._plan(cursor, "default"):
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
                with self._plan(cursor, "bitmap"):
                    results.total = _bounded_group_count(cursor, where, broad_limit + 1)
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
        results.hits = self._hits(cursor, page, combined, text, scope)

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
        are often far off, and the wrong plan costs ten times more. Only the
        settings that differ from the current ones are changed, in one
        statement (none when the step uses the current plan)."""
        wanted = PLANS[strategy]
        current = getattr(cursor, "search_plan", PLAN_DEFAULT)
        if wanted != current:
            cursor.execute(_plan_sql(current, wanted))
            cursor.search_plan = wanted
        yield

    @staticmethod
    def _page_exact(cursor, where: _Sql, query, combined, *, count: bool = True):
        if combined:
            rank = f"ts_rank('{RANK_WEIGHTS}', search_vector, %s::tsquery, 1)"
            rank_params = [combined]
        else:
            rank, rank_params = "0", []
        window = None
        if not count:
            # Many matches in date order: group only the newest of them.
            window = (query.offset + query.per_page) * 5 + 100
        return _grouped_page(
            cursor,
            where,
            rank,
            rank_params,
            query,
            count=count,
            window=window,
        )

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
        candidates = _Sql()
        candidates.add("id = ANY(%s)", sorted(ids))
        page = _grouped_page(
            cursor,
            candidates,
            f"ts_rank('{RANK_WEIGHTS}', search_vector, %s::tsquery, 1)",
            [combined],
            query,
            count=False,
        )
        return page, window

    def _hits(self, cursor, page, combined, text, scope) -> list[SearchHit]:
        if not page:
            return []
        ids = [row[0] for row in page]
        scores = {row[0]: float(row[1]) for row in page}
        replies = {row[0]: int(row[3]) for row in page}
        if combined:
            # A summary that only begins the body (a discussion's opening
            # lines) is not read twice: its sentences would show twice.
            highlight = (
                "ts_headline(search_config::regconfig, title, %s::tsquery, %s), "
                "ts_headline(search_config::regconfig, left(CASE WHEN summary = '' "
                "OR starts_with(body, left(rtrim(summary, ' …'), 200)) THEN body "
                "ELSE summary || E'\\n' || body END, %s), %s::tsquery, %s)"
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
        group = _Sql()
        self._visibility(group, scope)
        group_visible = group.sql().replace("is_public", "g.is_public")
        group_visible = group_visible.replace("group_ids", "g.group_ids")
        cursor.execute(
            f"SELECT {HIT_COLUMNS}, {highlight}, d.collapse_key, "
            "(SELECT g.url FROM search_document g WHERE g.key = d.collapse_key "
            f"AND g.key <> d.key AND {group_visible}) "
            "FROM search_document d WHERE d.id = ANY(%s)",
            [*params, *group.params, ids],
        )
        rows = {row[0]: row for row in cursor.fetchall()}
        hits = []
        for pk in ids:
            row = rows.get(pk)
            if row is None:
                continue
            (_, key, source, object_id, kind, title, url, summary, date, tags,
             language, is_public, knowledge_type, format_, level, groups,
             title_highlight, snippet, collapse_key, group_url) = row  # fmt: skip
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
                    collapse_key=collapse_key or key,
                    matching_replies=replies.get(pk, 0),
                    group_url=group_url or "",
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
                f"(SELECT %s AS facet, {value_sql} AS value, "
                "count(DISTINCT m.collapse_key) AS n "
                f"FROM {source} WHERE {where.sql()} "
                f"AND {value_sql} IS NOT NULL AND {value_sql} <> '' "
                f"GROUP BY 2 ORDER BY 3 DESC, 2 LIMIT {FACET_SIZE})"
            )
            params.extend([facet.name, *where.params])
        columns = ", ".join(
            sorted({"collapse_key", *(c for c, _ in FACET_COLUMNS.values())})
        )
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


def _grouped_page(
    cursor, where: _Sql, rank: str, rank_params, query, *, count, window=None
):
    """A page of hits, one per collapse key (a discussion and its replies): the
    best-ranked match of each group, how many other matches it has, and (with
    ``count``) how many groups match.

    Rows: (id, rank, groups, other matches in the group)."""
    total = "count(*) OVER ()" if count else "0"
    newest = " ORDER BY date DESC NULLS LAST, id DESC LIMIT %s" if window else ""
    cursor.execute(
        f"SELECT id, rank, {total}, replies FROM ("
        " SELECT DISTINCT ON (collapse_key) id, rank, date, replies FROM ("
        "  SELECT id, collapse_key, date, rank, count(*) FILTER"
        "   (WHERE key <> collapse_key) OVER (PARTITION BY collapse_key) AS replies"
        f"  FROM (SELECT id, key, collapse_key, date, {rank} AS rank"
        f"   FROM search_document WHERE {where.sql()}{newest}) matches"
        " ) grouped ORDER BY collapse_key, rank DESC, date DESC NULLS LAST, id DESC"
        ") best ORDER BY rank DESC, date DESC NULLS LAST, id DESC LIMIT %s OFFSET %s",
        [
            *rank_params,
            *where.params,
            *([window] if window else []),
            query.per_page,
            query.offset,
        ],
    )
    return cursor.fetchall()


def _bounded_group_count(cursor, where: _Sql, limit: int) -> int:
    """Groups (discussions count once) among the first ``limit`` matches."""
    cursor.execute(
        "SELECT count(DISTINCT collapse_key) FROM (SELECT collapse_key"
        f" FROM search_document WHERE {where.sql()} LIMIT %s) bounded",
        [*where.params, limit],
    )
    return cursor.fetchone()[0]
