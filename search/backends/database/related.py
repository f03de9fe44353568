"""Related content on the database backend: documents like a given one, one
per discussion, only what the reader may see, with work bounded by the page.

The words are the document's own title, tag and summary lexemes (its head
vector), chosen like a more-like-this query: by their count in the document
times their rarity in the corpus (the planner's statistics of the head vector,
``pg_stats.most_common_elems``, read in the same statement: no count of its
own). Words in most documents say nothing and are dropped.

Candidates are read through the head vector's GIN index: every document
sharing any of the words when that is few (rare words, a small corpus);
otherwise those sharing at least two of the best words, newest first, at most
``RELATED_WINDOW``. Only the candidates are ranked (``ts_rank`` on the whole
vector), so a frequent word never makes the statement read and rank most of
the table (1.3 s at 72,000 documents before)."""

from __future__ import annotations

import math
from itertools import combinations

from ...permissions import SearchScope
from .common import RANK_WEIGHTS, _Sql

RELATED_TERMS = 12  # words of a document that rank its related documents
RELATED_PAIR_TERMS = 5  # the best of them, two of which a candidate shares
# Up to this many estimated matches of any word, every match is a candidate.
RELATED_SELECTIVE = 2_000
RELATED_WINDOW = 300  # else at most this many candidates, newest first
# A word in more than this share of the documents (and of more than
# RELATED_COMMON_DOCS of them) is dropped: it relates everything.
RELATED_COMMON_SHARE = 0.2
RELATED_COMMON_DOCS = 1_000

# The document's head lexemes, their count in it, and the share of documents
# whose head vector has them (NULL: not among the frequent ones), with the
# table's size and the smallest share the statistics keep.
TERMS_SQL = """
WITH stats AS (
    SELECT u.lexeme, u.share FROM pg_stats s CROSS JOIN LATERAL
        unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs)
        AS u(lexeme, share)
    WHERE s.schemaname = current_schema() AND s.tablename = 'search_document'
        AND s.attname = 'head_vector'
)
SELECT l.lexeme, coalesce(array_length(l.positions, 1), 1), st.share,
    (SELECT reltuples FROM pg_class WHERE oid = 'search_document'::regclass),
    (SELECT min(share) FROM stats WHERE lexeme IS NOT NULL)
FROM search_document d CROSS JOIN LATERAL unnest(d.head_vector) l
LEFT JOIN stats st ON st.lexeme = l.lexeme
WHERE d.key = %s AND length(l.lexeme) > 2 AND l.lexeme !~ '^[0-9]+$'
"""


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def choose_terms(rows) -> tuple[list[str], float]:
    """The best words (by count in the document times rarity) and the
    estimated number of documents sharing any of them."""
    if not rows:
        return [], 0.0
    documents = max(float(rows[0][3] or 0), 1.0)
    floor = rows[0][4]  # below it the statistics keep no share
    scored = []
    for lexeme, count, share in (row[:3] for row in rows):
        known = share is not None
        share = float(share) if known else float(floor or 0) / 2 or 1 / documents
        share = max(share, 1 / documents)
        if (
            known
            and share > RELATED_COMMON_SHARE
            and share * documents > RELATED_COMMON_DOCS
        ):
            continue
        scored.append((count * math.log(1 / share + 1), lexeme, share))
    scored.sort(key=lambda item: (-item[0], item[1]))
    chosen = scored[:RELATED_TERMS]
    estimate = sum(share for _score, _lexeme, share in chosen) * documents
    return [lexeme for _score, lexeme, _share in chosen], estimate


class DatabaseRelated:
    def related(self, key: str, scope: SearchScope, *, limit: int = 5):
        return self._run(
            lambda cursor: self._related(cursor, key, scope, limit), plan="bitmap"
        )

    def _related(self, cursor, key: str, scope: SearchScope, limit: int):
        cursor.execute(TERMS_SQL, [key])
        terms, estimate = choose_terms(cursor.fetchall())
        if not terms:
            return []
        ranked = " | ".join(_quoted(term) for term in terms)
        if estimate <= RELATED_SELECTIVE or len(terms) < 2:
            candidates = ranked
        else:
            best = terms[:RELATED_PAIR_TERMS]
            candidates = " | ".join(
                f"( {_quoted(a)} & {_quoted(b)} )" for a, b in combinations(best, 2)
            )
        where = _Sql()
        where.add("head_vector @@ %s::tsquery", candidates)
        where.add("key <> %s AND collapse_key <> %s", key, key)
        self._visibility(where, scope)
        # The best-ranked candidate of each collapse key (a discussion and its
        # replies), then the best of those.
        cursor.execute(
            "SELECT id, rank, 0, replies FROM ("
            " SELECT DISTINCT ON (collapse_key) id, rank, date, replies FROM ("
            "  SELECT id, collapse_key, date, rank, count(*) FILTER"
            "   (WHERE key <> collapse_key) OVER (PARTITION BY collapse_key) AS replies"
            f"  FROM (SELECT id, key, collapse_key, date,"
            f"   ts_rank('{RANK_WEIGHTS}', search_vector, %s::tsquery, 1) AS rank"
            "   FROM (SELECT id, key, collapse_key, date, search_vector"
            f"    FROM search_document WHERE {where.sql()}"
            "    ORDER BY date DESC NULLS LAST LIMIT %s) candidates) matches"
            " ) grouped ORDER BY collapse_key, rank DESC, date DESC NULLS LAST, id DESC"
            ") best ORDER BY rank DESC, date DESC NULLS LAST, id DESC LIMIT %s",
            [
                ranked,
                *where.params,
                max(RELATED_WINDOW, RELATED_SELECTIVE)
                if candidates is ranked
                else RELATED_WINDOW,
                limit,
            ],
        )
        return self._hits(cursor, cursor.fetchall(), None, "", scope)
