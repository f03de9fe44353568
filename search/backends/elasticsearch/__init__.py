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

The backend class (backend.py) is made of one part per concern:

- transport.py: client, error translation (4xx rejected, 404 missing, the
  rest unavailable), raw requests;
- indices.py: alias and index administration, mappings, counts, health;
- writes.py: bulk writes and the reindex with its alias swap (bulk.py: chunks,
  compression, retries);
- querying.py: query building (clause caps, fields per language, filters,
  sorting with a tie-breaker) and reading the response;
- facets.py: facet aggregations and counts;
- highlighting.py: highlighted titles and snippets;
- suggestions.py: "did you mean" and the search box's suggestions;
- opensearch.py: the same over opensearch-py; connection.py: TLS and
  authentication options.

Visibility, facets and highlighting follow the same contract as the database
backend (tests/search/test_backend_contract.py runs against both).
"""

from __future__ import annotations

from .backend import ElasticsearchSearchBackend
from .opensearch import OpenSearchSearchBackend
from .querying import (
    CORRECTION_THRESHOLD,
    FUZZY_EXPANSIONS,
    MAX_FUZZY_TOKENS,
    MAX_QUERY_TOKENS,
    SOURCE_FIELDS,
    TIE_BREAKER,
    capped_text,
    simple_query_string,
)

__all__ = [
    "CORRECTION_THRESHOLD",
    "FUZZY_EXPANSIONS",
    "MAX_FUZZY_TOKENS",
    "MAX_QUERY_TOKENS",
    "SOURCE_FIELDS",
    "TIE_BREAKER",
    "ElasticsearchSearchBackend",
    "OpenSearchSearchBackend",
    "capped_text",
    "simple_query_string",
]
