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
from .facets import (
    FACET_OFFSET,
    FACET_SELECT,
    count_facets,
    facet_counts,
    grouped_page,
    passing,
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


# A query the planner expects to match more than this many times the exact
# limit is broad: no exact count first.
BROAD_GUESS = 3
# Head (title, tags, summary) matches at least this dense among the documents
# in scope are read newest first through the date index (a few hundred rows);
# sparser ones through their GIN bitmap (a short posting list).
HEAD_DENSE = 0.05
RELATED_TERMS = 24  # words of a document that find its related documents


def _plan_sql(current: dict, wanted: dict) -> str:
    return "; ".join(
        f"SET LOCAL {name} = {value}"
        for name, value in wanted.items()
        if current.get(name) != value
    )


class _PlannedCursor:
    """A cursor whose planner settings travel with the next statement.

    ``SET LOCAL`` statements are not sent on their own: the settings a step
    wants are prefixed to its first statement (one round trip), and settings
    that are set already are not repeated."""

    def __init__(self, cursor, settings: dict[str, str], plan: dict[str, str]):
        self.cursor = cursor
        self.applied: dict[str, str] = dict(PLAN_DEFAULT)
        self.search_plan = plan
        self.pending = [
            f"SET LOCAL {name} = {value}" for name, value in settings.items()
        ]

    def execute(self, sql, params=None):
        prefix = self.pending + [
            f"SET LOCAL {name} = {value}"
            for name, value in self.search_plan.items()
            if self.applied.get(name) != value
        ]
        self.pending = []
        self.applied.update(self.search_plan)
        if prefix:
            sql = "; ".join(prefix) + "; " + sql
        return self.cursor.execute(sql, params)

    def fetchone(self):
        return self.cursor.fetchone()

    def fetchall(self):
        return self.cursor.fetchall()


class DatabaseQueries:
    def _run(self, function, plan: str = "bitmap"):
        """Run read queries under a statement timeout; a timeout is 'unavailable'.

        The timeout, JIT off (compiling costs more than these short statements
        take) and each step's planner settings go with the statements
        themselves (see ``_PlannedCursor``): no round trip of its own. Nothing
        is reset at the end unless an outer transaction would keep the
        settings."""
        nested = connection.in_atomic_block
        try:
            with transaction.atomic():
                with connection.cursor() as raw:
                    cursor = _PlannedCursor(
                        raw,
                        {"statement_timeout": str(self.timeout_ms), "jit": "off"},
                        PLANS[plan],
                    )
                    result = function(cursor)
                    if nested and cursor.applied != PLAN_DEFAULT:
                        raw.execute(_plan_sql(cursor.applied, PLAN_DEFAULT))
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
        cursor,
        match: _Sql,
        scope_sql: _Sql,
        filters: _Sql,
        in_scope: int,
        sample: int = 2000,
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
        in_scope = max(in_scope, sampled)
        return round(in_scope * hits / sampled), round(
            in_scope * filtered_hits / sampled
        )

    @staticmethod
    def _planner_rows(cursor, **parts: _Sql) -> dict[str, int]:
        """The planner's row estimates for several WHERE clauses, from one
        EXPLAIN (planning only, a fraction of a millisecond): how many
        documents in scope, in the table, and roughly how many match (its
        full-text estimates are good for frequent words, the ones that make
        a query broad, and low for rare words and combinations)."""
        names = list(parts)
        sql = " UNION ALL ".join(
            f"SELECT 1 FROM search_document WHERE {parts[name].sql()}" for name in names
        )
        params = [param for name in names for param in parts[name].params]
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        plan = plan[0]["Plan"]
        children = plan.get("Plans", [plan]) if len(names) > 1 else [plan]
        return {
            name: int(child["Plan Rows"])
            for name, child in zip(names, children, strict=True)
        }

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
        head_match = _Sql()
        if combined:
            head_match.add("head_vector @@ %s::tsquery", combined)
        head_match.extend(rest)
        head_match.extend(filters)
        planned = self._planner_rows(
            cursor, base=base, scope=rest, table=_Sql(), head=head_match
        )
        rank = None
        if relevance:
            rank = f"ts_rank('{RANK_WEIGHTS}', search_vector, %s::tsquery, 1)"
        if not phrase and planned["base"] <= BROAD_GUESS * self.exact_limit:
            # Selective: the GIN index is read once for the page, the total and
            # the facets (one statement, at most the exact limit of rows). A
            # query the planner cannot vouch for is counted first (a bitmap
            # count that stops past the exact limit); a word it knows to be
            # frequent skips both (reading its whole posting list only to stop
            # at the limit is the most expensive step of a broad query).
            with self._plan(cursor, "bitmap"):
                limit = self.exact_limit + 1
                exact = limit
                if planned["base"] * 2 > self.exact_limit:
                    exact = self._bounded_count(cursor, base, limit)
                if exact < limit or planned["base"] * 2 <= self.exact_limit:
                    rows = self._exact_rows(cursor, base, rank, combined, limit)
                    if len(rows) <= self.exact_limit:
                        return self._exact_results(
                            cursor, results, rows, query, combined, text, scope
                        )
        broad_limit = self._broad_limit(planned["table"])
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
            estimates = self._estimate(cursor, match, rest, filters, planned["scope"])
        with self._plan(cursor, "bitmap"):
            if estimates[0] > broad_limit:
                base_count = broad_limit + 1
            else:
                base_count = self._bounded_count(cursor, base, broad_limit + 1)
        if base_count <= self.exact_limit:
            # Fewer than the planner expected: exact after all.
            with self._plan(cursor, "bitmap"):
                rows = self._exact_rows(
                    cursor, base, rank, combined, self.exact_limit + 1
                )
            return self._exact_results(
                cursor, results, rows, query, combined, text, scope
            )
        with self._plan(cursor, "bitmap"):
            count = base_count
            if query.filters:
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
                head_dense = planned["head"] >= HEAD_DENSE * max(planned["scope"], 1)
                page, window = self._page_candidates(
                    cursor,
                    where,
                    head,
                    query,
                    combined,
                    strategy,
                    "date" if head_dense else "bitmap",
                )
                results.browsable = self.sample_size
            else:
                with self._plan(cursor, strategy):
                    page = self._page_exact(cursor, where, query, None, count=False)
        results.hits = self._hits(cursor, page, combined, text, scope)

        base_total = base_count
        if base_count > broad_limit:
            base_total = max(estimates[0], base_count)
        if window is not None and not filters.parts:
            # Without filters the candidate window's newest matches are
            # exactly the facet sample, read with their facet columns.
            counts = count_facets(window, query, key_index=1, offset=2)
        else:
            with self._plan(cursor, "bitmap" if base_count <= broad_limit else "date"):
                counts = facet_counts(cursor, base, query, sample=self.sample_size)
        factor = base_total / self.sample_size
        counts = {
            name: {value: max(1, round(n * factor)) for value, n in values.items()}
            for name, values in counts.items()
        }
        results.facets_approximate = True
        results.facets = facet_results(query, counts)
        return results

    @staticmethod
    def _exact_rows(cursor, base: _Sql, rank, combined, limit) -> list[tuple]:
        """Every match (at most the exact limit and one): (id, key, collapse
        key, date, rank, facet columns…)."""
        rank_params = [combined] if rank else []
        cursor.execute(
            f"SELECT id, key, collapse_key, date, {rank or '0'}, {FACET_SELECT} "
            f"FROM search_document WHERE {base.sql()} LIMIT %s",
            [*rank_params, *base.params, limit],
        )
        return cursor.fetchall()

    def _exact_results(self, cursor, results, rows, query, combined, text, scope):
        """A selective query's page, total and facets, from its rows."""
        page, groups = grouped_page(passing(rows, query, FACET_OFFSET), query)
        results.total = groups
        results.hits = self._hits(cursor, page, combined, text, scope)
        counts = count_facets(rows, query, key_index=2, offset=FACET_OFFSET)
        results.facets = facet_results(query, counts)
        return results

    def _broad_limit(self, rows: int) -> int:
        """Where reading the newest matches through the date index becomes
        cheaper than reading all matches: sqrt(window × table size)."""
        if self.broad_limit:
            return self.broad_limit
        return max(self.exact_limit, int((self.sample_size * max(rows, 1)) ** 0.5))

    @staticmethod
    @contextmanager
    def _plan(cursor, strategy: str):
        """Steer the planner for one step: its estimates for full-text matches
        are often far off, and the wrong plan costs ten times more. The
        settings that differ go with the step's next statement."""
        cursor.search_plan = PLANS[strategy]
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
        self, cursor, where: _Sql, head: _Sql, query, combined, strategy, head_plan
    ):
        """Rank the candidate window: the newest matches, plus matches in titles,
        tags and summaries (the head vector: the likeliest best), each read the
        cheapest way: frequent head matches newest first (the date index stops
        after a few hundred rows), rare ones through their short GIN posting
        list."""
        with self._plan(cursor, strategy):
            cursor.execute(
                f"SELECT id, collapse_key, {FACET_SELECT} FROM search_document"
                f" WHERE {where.sql()} ORDER BY date DESC NULLS LAST LIMIT %s",
                [*where.params, self.sample_size],
            )
            window = cursor.fetchall()
            ids = {row[0] for row in window}
        order = " ORDER BY date DESC NULLS LAST" if head_plan == "date" else ""
        with self._plan(cursor, head_plan):
            cursor.execute(
                f"SELECT id FROM search_document WHERE {head.sql()}"
                f" AND head_vector @@ %s::tsquery{order} LIMIT %s",
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
