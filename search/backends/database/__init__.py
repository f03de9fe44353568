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

from django.conf import settings

from ..base import SearchBackend
from .common import document_row, prepare_text
from .matching import DatabaseMatching
from .querying import DatabaseQueries
from .related import DatabaseRelated
from .spelling import DatabaseSpelling
from .writes import DatabaseWrites

__all__ = ["DatabaseSearchBackend", "document_row", "prepare_text"]


class DatabaseSearchBackend(
    DatabaseWrites,
    DatabaseRelated,
    DatabaseQueries,
    DatabaseMatching,
    DatabaseSpelling,
    SearchBackend,
):
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
