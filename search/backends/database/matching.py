"""How the database backend answers one query: how many matches, which page,
which facets — with work bounded by the page, not by the number of matches.

The planner's estimates (one EXPLAIN, planning only) say whether a query is
selective, medium or broad, and each is read the cheapest way:

- **selective** (at most ``exact_limit`` matches): every match is read once,
  through the GIN index, with its rank and facet columns; the page, the exact
  total and exact facets come from those rows (one statement).
- **medium** (at most ``broad_limit``): the same single read, ranked exactly;
  an exact total, and exact facets unless filters are chosen (then the
  unfiltered matches' facets are sampled, as for broad queries).
- **broad**: the newest matches through the date index, ranked as they are
  read; the scan stops once the window is full or after SCAN_ROWS windows of
  rows, and how many rows it read gives the share of matching documents,
  hence "about N" and the facets' scale. The likeliest best (title, tag and
  summary matches) join the window. No step reads a frequent word's whole
  posting list.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

from django.db import connection

from ...faceted import SearchResults, Sort, facet_results, query_tokens
from .common import RANK_WEIGHTS, _Sql
from .facets import (
    FACET_NAMES,
    FACET_OFFSET,
    FACET_SELECT,
    count_facets,
    grouped_page,
    passing,
)

# Reading a GIN posting list costs about this fraction of reading a row.
BITMAP_ENTRY_COST = 0.125
# With filters, head candidates come through the GIN bitmap only when the head
# words match at most this many documents.
HEAD_BITMAP_ROWS = 20_000
# At most this many words' posting lists are estimated (see _search_text).
MAX_LEXEMES = 8
# An entry of a word's posting list read into a bitmap costs about this
# fraction of reading a row and checking its words (measured: 0.15 µs and
# 5 µs at 100,000 documents).
POSTING_ENTRY_COST = 0.04
# The date index's bitmap of the newest documents costs about this fraction
# of reading a row per entry (see _newest_by_date_range).
DATE_ENTRY_COST = 0.05
# The range of newest documents holds about this many windows of matches.
RANGE_MARGIN = 1.5
# ...and at most this share of the dated documents.
RANGE_MAX_SHARE = 0.5
# The date histogram of the statistics is read again after this many seconds.
HISTOGRAM_SECONDS = 300
_HISTOGRAMS: dict[str, tuple[float, object]] = {}
# The newest-first scan reads at most this many times the window's size in
# rows (at the broad limit's density that still finds about half a window:
# enough to estimate the total and facets, and the head matches join it).
SCAN_ROWS = 10


@dataclass
class Newest:
    """The newest matches (id, collapse key, facet columns…) of a scan in date
    order, and the number of matches it implies."""

    rows: list[tuple]
    estimate: int
    exact: bool  # the scan read everything in scope


_LEXEME = re.compile(r"'((?:[^']|'')+)'(:\*)?")


def _lexemes(combined) -> list[str]:
    """The distinct lexemes of a tsquery's text, each as a tsquery of its own."""
    if not combined:
        return []
    found = dict.fromkeys(
        f"'{match.group(1)}'{match.group(2) or ''}"
        for match in _LEXEME.finditer(combined)
    )
    return list(found)


def _date_at_share(bounds: list[float], share: float) -> float:
    """The date (seconds) above which lie ``share`` of the dated rows, from a
    histogram's ascending bounds (equal numbers of rows between bounds),
    interpolated within its bucket."""
    buckets = len(bounds) - 1
    position = max(0.0, buckets * (1 - share))
    index = min(int(position), buckets - 1)
    return bounds[index] + (position - index) * (bounds[index + 1] - bounds[index])


def _rank_sql(combined) -> tuple[str, list]:
    if combined:
        return f"ts_rank('{RANK_WEIGHTS}', search_vector, %s::tsquery, 1)", [combined]
    return "0", []


def _and(*parts: _Sql) -> _Sql:
    joined = _Sql()
    for part in parts:
        joined.extend(part)
    return joined


class DatabaseMatching:
    def _search_text(self, cursor, query, scope, text) -> SearchResults:
        results = SearchResults(query=query, engine=self.name)
        combined = None
        match = _Sql()
        if text:
            matched = self._match(cursor, text)
            if matched is None:
                results.facets = facet_results(query, {})
                return results
            match, combined = matched
        rest = _Sql()  # visibility and alert window
        self._visibility(rest, scope)
        if query.indexed_after is not None:
            rest.add("first_indexed_at > %s", query.indexed_after)
        filters = _Sql()
        self._filters(filters, query)
        scoped = rest.copy()  # everything but the words
        scoped.extend(filters)
        base = match.copy()  # facets count these (each facet its own filters)
        base.extend(rest)
        where = base.copy()  # the results
        where.extend(filters)
        relevance = bool(combined) and query.effective_sort == Sort.RELEVANCE
        rank = _rank_sql(combined if relevance else None)
        phrase = bool(combined) and "<->" in combined
        head = _Sql()
        if combined:
            head.add("head_vector @@ %s::tsquery", combined)
        head.extend(scoped)
        # The head vector is part of the search vector, so without an exclusion
        # a head match is a match: only its own index is read. With one, each
        # head match is checked against the whole text too.
        head_check = _Sql()
        if any(token.negated for token in query_tokens(text)):
            head_check = match
        # The planner estimates from the words' tsquery alone: an exclusion's
        # per-language check (see _match) would make it guess blindly.
        words = _Sql()
        if combined:
            words.add("search_vector @@ %s::tsquery", combined)
        head_words = _Sql()
        if combined:
            head_words.add("head_vector @@ %s::tsquery", combined)
        # Each word's posting list too: reading them is what a GIN bitmap costs.
        lexemes: dict[str, _Sql] = {}
        head_lexemes: dict[str, _Sql] = {}
        for number, lexeme in enumerate(_lexemes(combined)[:MAX_LEXEMES]):
            lexemes[f"lexeme {number}"] = _Sql()
            lexemes[f"lexeme {number}"].add("search_vector @@ %s::tsquery", lexeme)
            head_lexemes[f"head lexeme {number}"] = _Sql()
            head_lexemes[f"head lexeme {number}"].add(
                "head_vector @@ %s::tsquery", lexeme
            )
        planned = self._planner_rows(
            cursor,
            base=_and(words, rest),
            where=_and(words, scoped),
            scope=rest,
            table=_Sql(),
            head=_and(head_words, scoped),
            head_base=_and(head_words, rest),
            **lexemes,
            **head_lexemes,
        )
        posting = sum(planned[name] for name in lexemes) or planned["base"]
        planned["head_posting"] = (
            sum(planned[name] for name in head_lexemes) or planned["head_base"]
        )

        broad_limit = self._broad_limit(planned["table"])
        if phrase:
            # Phrases are checked row by row (positions): reading thousands of
            # them costs more than the window. Read all only when few.
            broad_limit = self.exact_limit
        if planned["base"] * 2 <= broad_limit:
            # Selective or medium: one statement for page, total and exact
            # facets, its LIMIT the bounded count (the planner underestimates
            # combinations of words by up to about twice: the margin).
            limit = broad_limit + 1
            with self._plan(cursor, "bitmap"):
                rows = self._exact_rows(cursor, base, rank, limit)
            if len(rows) < limit:
                return self._exact_results(
                    cursor, results, rows, query, combined, text, scope
                )

        ranked = None  # every result, ranked (at most the broad limit)
        newest = None  # the newest results (broad)
        # The planner underestimates combinations of words and filters by up
        # to about twice, but the newest-first scan costs about what reading
        # the broad limit's rows does, and when it finds fewer than that they
        # are all read after all: the bounded read first, then the scan only
        # when it overflows.
        if planned["where"] <= broad_limit:
            with self._plan(cursor, "bitmap"):
                ranked = self._exact_rows(cursor, where, rank, broad_limit + 1)
            if len(ranked) > broad_limit:
                ranked = None
        if ranked is None:
            with self._plan(cursor, "date"):
                newest = self._newest(
                    cursor,
                    match,
                    filters,
                    rest,
                    planned["scope"],
                    rank,
                    expected=planned["where"],
                    posting=posting,
                )
            if newest.exact or newest.estimate <= broad_limit:
                # Fewer than the planner expected: read them all after all.
                with self._plan(cursor, "bitmap"):
                    rows = self._exact_rows(cursor, where, rank, broad_limit + 1)
                if len(rows) <= broad_limit:
                    ranked, newest = rows, None
                else:  # more than the broad limit after all (stale statistics)
                    newest.estimate = max(newest.estimate, broad_limit + 1)

        window = None
        if ranked is not None:
            # Every result is read (with its rank and facet columns): an exact
            # total, an exact ranking, and without filters exact facets.
            page, results.total = grouped_page(ranked, query)
        else:
            results.total = newest.estimate
            results.total_approximate = True
            window = newest.rows
        if window is not None:
            if relevance:
                page = self._page_candidates(
                    cursor,
                    window,
                    head,
                    head_check,
                    query,
                    combined,
                    planned,
                    head_words=head_words,
                    filters=filters,
                    rest=rest,
                )
                results.browsable = self.sample_size
            else:
                with self._plan(cursor, "bitmap" if newest is None else "date"):
                    page = self._page_exact(cursor, where, query, None, count=False)
        results.hits = self._hits(cursor, page, combined, text, scope)

        if not filters.parts and ranked is not None:
            counts = count_facets(ranked, query, key_index=2, offset=FACET_OFFSET)
        else:
            if not filters.parts:
                sample = newest
            else:
                # The unfiltered matches' facets, from half a window: the
                # counts are scaled estimates either way.
                with self._plan(cursor, "date"):
                    sample = self._newest(
                        cursor,
                        match,
                        _Sql(),
                        rest,
                        planned["scope"],
                        size=self.sample_size // 2,
                        expected=planned["base"],
                        posting=posting,
                    )
            counts = count_facets(sample.rows, query, key_index=2, offset=FACET_OFFSET)
            if not sample.exact and sample.rows:
                factor = sample.estimate / len(sample.rows)
                counts = {
                    name: {
                        value: max(1, round(n * factor)) for value, n in values.items()
                    }
                    for name, values in counts.items()
                }
                results.facets_approximate = True
        results.facets = facet_results(query, counts)
        return results

    @staticmethod
    def _planner_rows(cursor, **parts: _Sql) -> dict[str, int]:
        """The planner's row estimates for several WHERE clauses, from one
        EXPLAIN (planning only, a fraction of a millisecond): how many
        documents in scope, in the table, and roughly how many match (its
        full-text estimates are good for frequent words, the ones that make a
        query broad, and low for rare words and combinations)."""
        names = list(parts)
        # Each branch selects its own number, which names its plan (VERBOSE
        # shows it): a branch the planner proves empty has no plan (0 rows).
        sql = " UNION ALL ".join(
            f"SELECT {number} FROM search_document WHERE {parts[name].sql()}"
            for number, name in enumerate(names)
        )
        params = [param for name in names for param in parts[name].params]
        cursor.execute(f"EXPLAIN (FORMAT JSON, VERBOSE) {sql}", params)
        plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        top = plan[0]["Plan"]
        children = top.get("Plans", []) if top["Node Type"] == "Append" else [top]
        rows = {}
        for child in children:
            output = child.get("Output") or []
            if len(output) == 1 and output[0].isdigit():
                rows[int(output[0])] = int(child["Plan Rows"])
        return {name: rows.get(number, 0) for number, name in enumerate(names)}

    @staticmethod
    def _bounded_count(cursor, where: _Sql, limit: int) -> int:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM search_document "
            f"WHERE {where.sql()} LIMIT %s) bounded",
            [*where.params, limit],
        )
        return cursor.fetchone()[0]

    @staticmethod
    def _exact_rows(cursor, where: _Sql, rank, limit) -> list[tuple]:
        """Every match (at most ``limit``): (id, key, collapse key, date in
        seconds, rank, facet columns…)."""
        rank_sql, rank_params = rank
        cursor.execute(
            "SELECT id, key, collapse_key, extract(epoch FROM date)::float8,"
            f" {rank_sql}, {FACET_SELECT} "
            f"FROM search_document WHERE {where.sql()} LIMIT %s",
            [*rank_params, *where.params, limit],
        )
        return cursor.fetchall()

    def _exact_results(self, cursor, results, rows, query, combined, text, scope):
        """A selective query's page, total and facets, from its rows."""
        page, results.total = grouped_page(passing(rows, query, FACET_OFFSET), query)
        results.hits = self._hits(cursor, page, combined, text, scope)
        counts = count_facets(rows, query, key_index=2, offset=FACET_OFFSET)
        results.facets = facet_results(query, counts)
        return results

    def _newest(
        self,
        cursor,
        match: _Sql,
        filters: _Sql,
        rest: _Sql,
        in_scope: int,
        rank=("0", ()),
        size: int | None = None,
        *,
        expected: int | None = None,
        posting: int | None = None,
    ) -> Newest:
        """The newest ``sample_size`` matches (words and filters), read in date
        order through the date index, and how many documents in scope that
        took: the matches' share of them, times the planner's count of the
        documents in scope (good: visibility only), estimates the total. The
        scan stops after SCAN_ROWS times the window's size in rows (a row that
        does not match ends it).

        When the planner ``expected`` so few matches that the scan would stop
        at its bound with the window half empty, and the words' posting lists
        (``posting`` entries) are short enough, the newest matches come
        from a range of the newest dates instead (see
        ``_newest_by_date_range``)."""
        size = size or self.sample_size
        cap = size * SCAN_ROWS
        hit = match.copy()
        hit.extend(filters)
        rank_sql, rank_params = rank
        if expected is not None:
            newest = self._newest_by_date_range(
                cursor, hit, rest, rank, size, expected=expected, posting=posting
            )
            if newest is not None:
                return newest
        # Rows as _exact_rows reads them, ranked and their facet columns
        # converted as they come out of the scan (only the matches), then
        # whether each matched and how many rows the scan had read.
        cursor.execute(
            "SELECT id, key, collapse_key, extract(epoch FROM date)::float8,"
            f" {rank_sql}, {FACET_SELECT}, hit, seen FROM ("
            f" SELECT id, key, collapse_key, date, search_vector, {FACET_NAMES},"
            f"  ({hit.sql()}) AS hit,"
            "  row_number() OVER (ORDER BY date DESC NULLS LAST) AS seen"
            f" FROM search_document WHERE {rest.sql()}"
            " ORDER BY date DESC NULLS LAST) scan"
            " WHERE hit OR seen >= %s LIMIT %s",
            [*rank_params, *hit.params, *rest.params, cap, size],
        )
        fetched = cursor.fetchall()
        rows = [row[:-2] for row in fetched if row[-2]]
        seen = fetched[-1][-1] if fetched else 0
        exact = len(fetched) < size and all(row[-2] for row in fetched)
        if exact or not seen:
            return Newest(rows, len(rows), True)
        return Newest(rows, round(len(rows) / seen * max(in_scope, seen)), False)

    def _newest_by_date_range(
        self, cursor, hit: _Sql, rest: _Sql, rank, size: int, *, expected, posting
    ) -> Newest | None:
        """The newest matches of a medium-frequency query through its GIN
        bitmap AND the date index's bitmap of the newest documents (a share of
        the table sized to hold about a window and a half of matches, its
        lower date read off the planner's date histogram): only the matches
        in that range are read from the table, not the SCAN_ROWS windows of
        rows the newest-first scan reads to find them. The matches' number
        over the range's share of the table estimates the total. None when
        the scan is the cheaper read (frequent words: it stops early; long
        posting lists or no statistics)."""
        cap = size * SCAN_ROWS
        expected = max(expected, 1)
        table = self._date_histogram(cursor)
        if table is None:
            return None
        bounds, non_null, rows_in_table = table
        # The rows the scan would read (a row costs 1), against the range.
        scan = min(cap, size * rows_in_table / expected)
        share = min(1.0, size * RANGE_MARGIN / expected)
        range_rows = share * rows_in_table
        cost = (
            (posting or expected) * POSTING_ENTRY_COST
            + range_rows * DATE_ENTRY_COST
            + size * RANGE_MARGIN
        )
        if cost >= scan or share >= non_null * RANGE_MAX_SHARE:
            return None
        cutoff = _date_at_share(bounds, share / non_null)
        rank_sql, rank_params = rank
        limit = size * RANGE_MARGIN * 3
        with self._plan(cursor, "bitmap"):
            cursor.execute(
                "SELECT id, key, collapse_key, extract(epoch FROM date)::float8,"
                f" {rank_sql}, {FACET_SELECT} FROM search_document"
                f" WHERE {hit.sql()} AND {rest.sql()}"
                " AND date >= to_timestamp(%s)"
                " ORDER BY date DESC NULLS LAST, id DESC LIMIT %s",
                [*rank_params, *hit.params, *rest.params, cutoff, limit],
            )
            found = cursor.fetchall()
        return Newest(found[:size], round(len(found) / share), False)

    @staticmethod
    def _date_histogram(cursor):
        """(date histogram bounds in seconds, share of dated rows, rows) of the
        table from its statistics, read once a few minutes per process; None
        without statistics (a table never analysed)."""
        key = connection.settings_dict["NAME"]
        now = time.monotonic()
        cached = _HISTOGRAMS.get(key)
        if cached is not None and now - cached[0] < HISTOGRAM_SECONDS:
            return cached[1]
        cursor.execute(
            "SELECT (SELECT array_agg(extract(epoch FROM b)::float8 ORDER BY b)"
            " FROM unnest(s.histogram_bounds::text::timestamptz[]) b),"
            " 1 - s.null_frac, c.reltuples FROM pg_class c JOIN pg_stats s"
            " ON s.tablename = c.relname AND s.attname = 'date'"
            " WHERE c.oid = 'search_document'::regclass"
            " AND s.schemaname = current_schema()"
        )
        row = cursor.fetchone()
        value = None
        if row and row[0] and len(row[0]) >= 2 and row[2] and row[2] > 0:
            value = (row[0], float(row[1]), float(row[2]))
        _HISTOGRAMS[key] = (now, value)
        return value

    def _broad_limit(self, rows: int) -> int:
        """Up to how many results every one is read (an exact total, ranking
        and facets): sqrt(window × table size), where reading them all costs
        what reading the newest through the date index would, but no more
        than the newest-first scan's own bound (SCAN_ROWS windows of rows),
        so that a million documents cost what a hundred thousand do."""
        if self.broad_limit:
            return self.broad_limit
        limit = int((self.sample_size * max(rows, 1)) ** 0.5)
        return max(self.exact_limit, min(limit, self.sample_size * SCAN_ROWS))

    def _page_candidates(
        self,
        cursor,
        window,
        head: _Sql,
        check: _Sql,
        query,
        combined,
        planned,
        *,
        head_words: _Sql,
        filters: _Sql,
        rest: _Sql,
    ):
        """Rank the candidate window: the newest matches, plus matches in titles,
        tags and summaries (the head vector: the likeliest best), each read the
        cheapest way: frequent head matches newest first (the date index stops
        after a few hundred rows), rare ones through their short GIN posting
        list."""
        candidates = {row[0]: row[:FACET_OFFSET] for row in window}
        # Frequent head matches newest first (the date index walks the
        # documents in scope until enough match), rare ones through the GIN
        # bitmap (the whole posting list, then rows until enough pass the
        # filters), whichever reads less.
        wanted = self.sample_size // 2
        head_rows = max(planned["head"], 1)
        # The walk stops after SCAN_ROWS windows of rows; the bitmap reads the
        # head words' whole posting lists, then rows until enough pass.
        walk = min(wanted * planned["scope"] / head_rows, self.sample_size * SCAN_ROWS)
        bitmap = (
            max(
                planned["head_base"] * BITMAP_ENTRY_COST,
                planned["head_posting"] * POSTING_ENTRY_COST,
            )
            + planned["head_base"] * wanted / head_rows
        )
        # With filters the bitmap is an AND with the filters' own (large)
        # bitmaps: only for a short head posting list.
        small = not filters.parts or planned["head_base"] <= HEAD_BITMAP_ROWS
        rank_sql, rank_params = _rank_sql(combined)
        columns = f"id, key, collapse_key, extract(epoch FROM date)::float8, {rank_sql}"
        if bitmap < walk and small:
            with self._plan(cursor, "bitmap"):
                sql = f"SELECT {columns} FROM search_document WHERE {head.sql()}"
                params = [*rank_params, *head.params]
                if check.parts:
                    # Only the head index is read (OFFSET 0 keeps the planner
                    # from reading the text's posting lists too); each row is
                    # checked as it comes, until enough pass.
                    sql = (
                        f"SELECT {columns} FROM (SELECT id, key, collapse_key, date,"
                        " search_vector, search_config FROM search_document"
                        f" WHERE {head.sql()} OFFSET 0) head WHERE {check.sql()}"
                    )
                    params = [*rank_params, *head.params, *check.params]
                cursor.execute(f"{sql} LIMIT %s", [*params, wanted])
        else:
            # Newest first, at most SCAN_ROWS windows of rows in scope.
            matching = _and(head_words, filters, check)
            with self._plan(cursor, "date"):
                cursor.execute(
                    f"SELECT {columns} FROM (SELECT * FROM search_document"
                    f" WHERE {rest.sql()} ORDER BY date DESC NULLS LAST LIMIT %s)"
                    f" newest WHERE {matching.sql()} LIMIT %s",
                    [
                        *rank_params,
                        *rest.params,
                        self.sample_size * SCAN_ROWS,
                        *matching.params,
                        wanted,
                    ],
                )
        for row in cursor.fetchall():
            candidates.setdefault(row[0], row)
        page, _groups = grouped_page(list(candidates.values()), query)
        return page

    def _page_exact(self, cursor, where: _Sql, query, combined, *, count: bool = True):
        window = None
        if not count:
            # Many matches in date order: group only the newest of them.
            window = (query.offset + query.per_page) * 5 + 100
        return self._grouped_page(
            cursor, where, *_rank_sql(combined), query, count=count, window=window
        )

    @staticmethod
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
