"""The Elasticsearch backend: its parameters, and the parts it is made of."""

from __future__ import annotations

from ..base import SearchBackend
from .connection import engine_options
from .facets import EngineFacets
from .highlighting import EngineHighlighting
from .indices import EngineIndices
from .querying import EngineQueries
from .suggestions import EngineSuggestions
from .transport import EngineTransport
from .writes import EngineWrites


class ElasticsearchSearchBackend(
    EngineTransport,
    EngineIndices,
    EngineWrites,
    EngineQueries,
    EngineFacets,
    EngineHighlighting,
    EngineSuggestions,
    SearchBackend,
):
    """Elasticsearch 8 through the official client.

    Parameters (settings.PORTAL_SEARCH_BACKENDS): URL, INDEX_PREFIX, TIMEOUT,
    BULK_TIMEOUT, REFRESH, REPLICAS (default: auto_expand_replicas 0-1),
    ALIAS_GRACE (seconds old indices outlive an alias swap; default the search
    timeout, at most 3), OPTIONS (TLS, authentication: see connection.py and
    the README)."""

    product = "elasticsearch"

    def __init__(self, name: str, **params):
        super().__init__(name, **params)
        self.url = params.get("url") or ""
        self.alias = f"{params.get('index_prefix') or 'emis'}-documents"
        self.timeout = float(params.get("timeout") or 2)
        self.bulk_timeout = float(params.get("bulk_timeout") or 60)
        self.refresh = params.get("refresh", False)
        self.replicas = params.get("replicas")
        grace = params.get("alias_grace")
        self.alias_grace = float(min(self.timeout, 3) if grace is None else grace)
        self.options = engine_options(self.product, params.get("options"))
        self.last_failures: list[tuple[str, str]] = []
        if not self.url and self.options.get("cloud_id"):
            self.url = "cloud"
        self._client = None
