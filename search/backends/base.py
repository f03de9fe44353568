"""The contract every search backend fulfils.

Backends receive :class:`search.documents.SearchDocument` objects and answer
:class:`search.faceted.SearchQuery` queries within a :class:`SearchScope`;
they never decide what is searchable (providers do) nor who may see what
(the scope does). The same contract suite (tests/search/test_backend_contract.py)
runs against every backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..documents import SearchDocument
from ..faceted import SearchQuery, SearchResults, Suggestion
from ..permissions import SearchScope


class SearchEngineUnavailable(Exception):
    """The engine did not answer (down, unreachable, or slower than the timeout)."""

    status: int | None = None


class SearchQueryRejected(SearchEngineUnavailable):
    """The engine refused the request (HTTP 4xx): a bad query, not an outage.
    Answered from the database without pausing the engine."""


class IndexMissing(SearchEngineUnavailable):
    """The engine has no index under the alias yet (before the first
    ``manage.py search_reindex``): answered from the database."""


@dataclass
class ReindexResult:
    backend: str
    indexed: int
    removed: int
    seconds: float
    index_name: str = ""


ProgressCallback = Callable[[int], None]


class SearchBackend:
    """Abstract backend. ``name`` is its key in settings.PORTAL_SEARCH_BACKENDS."""

    is_database = False

    def __init__(self, name: str, **params):
        self.name = name
        self.params = params

    # Writes
    def index(self, document: SearchDocument) -> None:
        self.bulk([document])

    def bulk(self, documents: Iterable[SearchDocument]) -> int:
        """Index (insert or replace) documents; returns how many."""
        raise NotImplementedError

    def delete(self, keys: Iterable[str]) -> int:
        """Remove documents by key; unknown keys are ignored."""
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def reindex(
        self,
        documents: Iterable[SearchDocument],
        *,
        progress: ProgressCallback | None = None,
        batch_size: int = 500,
    ) -> ReindexResult:
        """Replace the whole index with ``documents``; searches keep working
        during the rebuild and see the new index only once it is complete."""
        raise NotImplementedError

    # Reads
    def search(self, query: SearchQuery, scope: SearchScope) -> SearchResults:
        raise NotImplementedError

    def suggest(
        self, text: str, scope: SearchScope, *, limit: int = 8
    ) -> list[Suggestion]:
        """Titles and tags completing ``text``, only from documents in scope."""
        raise NotImplementedError

    def related(self, key: str, scope: SearchScope, *, limit: int = 5) -> list:
        """Search hits like the document ``key`` (one per discussion, never the
        document itself), only from documents in scope."""
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def keys(self) -> set[str]:
        """Every indexed key (for search_status; fine at portal scale)."""
        raise NotImplementedError

    def health(self) -> dict:
        """{"engine", "status": ok|unavailable|error, "documents", ...}; never raises."""
        raise NotImplementedError


def batched(iterable: Iterable, size: int):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
