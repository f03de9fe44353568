"""Searching with the database backend: matching, counting, ranking, facets."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import DatabaseError, connection

from ...documents import (
    MARK_START,
    SIMPLE_CONFIG,
    has_cjk,
)
from ...faceted import (
    SearchHit,
    SearchQuery,
    SearchResults,
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


# Parsed query texts (tsquery per configuration), most recent last.
PARSED_SIZE = 2048
_PARSED: dict[tuple[str, str], dict[str, str]] = {}


def _plan_sql(current: dict, wanted: dict) -> str:
    return "; ".join(
        f"SET LOCAL {name} = {value}"
        for name, value in wanted.items()
        if current.get(name) != value
    )


class _PlannedCursor:
    """A cursor whose settings travel with each statement.

    No transaction of its own (no BEGIN and COMMIT round trips): each
    statement is sent with the ``SET LOCAL`` settings it needs in front of
    it, in one query string, which PostgreSQL runs as one implicit
    transaction. Inside an outer transaction (``nested``) the settings last
    until its end, so only those that differ are sent, and ``_run`` resets
    them at the end."""

    def __init__(
        self, cursor, settings: dict[str, str], plan: dict[str, str], nested: bool
    ):
        self.cursor = cursor
        self.nested = nested
        self.applied: dict[str, str] = dict(PLAN_DEFAULT)
        self.search_plan = plan
        self.settings = [
            f"SET LOCAL {name} = {value}" for name, value in settings.items()
        ]
        self.pending = list(self.settings)

    def execute(self, sql, params=None):
        if self.nested:
            prefix = self.pending + [
                f"SET LOCAL {name} = {value}"
                for name, value in self.search_plan.items()
                if self.applied.get(name) != value
            ]
            self.pending = []
            self.applied.update(self.search_plan)
        else:
            prefix = self.settings + [
                f"SET LOCAL {name} = {value}"
                for name, value in self.search_plan.items()
                if PLAN_DEFAULT.get(name) != value
            ]
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
        take), a work_mem for exact bitmaps and each step's planner settings go with the statements
        themselves (see ``_PlannedCursor``): no round trip of its own. Nothing
        is reset at the end unless an outer transaction would keep the
        settings."""
        nested = connection.in_atomic_block
        try:
            with connection.cursor() as raw:
                cursor = _PlannedCursor(
                    raw,
                    {
                        "statement_timeout": str(self.timeout_ms),
                        "jit": "off",
                        # GIN bitmaps of frequent words and filters stay
                        # exact (no lossy pages to recheck) at a million.
                        "work_mem": "'16MB'",
                    },
                    PLANS[plan],
                    nested,
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

    def _parse(self, cursor, text: str) -> dict[str, str]:
        """tsquery text per configuration (empty when only stop words); a text
        parsed once is not sent again (the configurations do not change while
        the process runs): one statement less for a repeated query."""
        key = (connection.settings_dict["NAME"], text)
        parsed = _PARSED.get(key)
        if parsed is None:
            prepared = prepare_text(text)
            columns = ", ".join(
                f"websearch_to_tsquery('{config}', %s)::text" for config in CONFIGS
            )
            cursor.execute(f"SELECT {columns}", [prepared] * len(CONFIGS))
            parsed = dict(zip(CONFIGS, cursor.fetchone(), strict=True))
            if len(_PARSED) >= PARSED_SIZE:
                try:
                    del _PARSED[next(iter(_PARSED))]  # the oldest
                except (KeyError, RuntimeError, StopIteration):  # another thread
                    pass
            _PARSED[key] = parsed
        return parsed

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
    @contextmanager
    def _plan(cursor, strategy: str):
        """Steer the planner for one step: its estimates for full-text matches
        are often far off, and the wrong plan costs ten times more. The
        settings that differ go with the step's next statement."""
        cursor.search_plan = PLANS[strategy]
        yield

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
