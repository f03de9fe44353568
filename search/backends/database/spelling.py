"""Spelling correction and autocompletion of the database backend."""

from __future__ import annotations

from ...faceted import (
    WORD,
    Suggestion,
    query_tokens,
    tag_search_url,
)
from ...permissions import SearchScope
from .common import (
    SUGGEST_CANDIDATES,
    _Sql,
)


class DatabaseSpelling:
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
        with self._plan(cursor, "default"):
            self._correct_words(cursor, words, scope_sql, scope_params)
        return self._corrected(cursor, text)

    @staticmethod
    def _correct_words(cursor, words, scope_sql, scope_params) -> None:
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

    @staticmethod
    def _corrected(cursor, text: str) -> str | None:
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
        return self._run(
            lambda cursor: self._suggest(cursor, text, scope, limit), plan="default"
        )

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
