"""The OpenSearch backend: the Elasticsearch one over opensearch-py."""

from __future__ import annotations

from .backend import ElasticsearchSearchBackend
from .connection import opensearch_kwargs


class OpenSearchSearchBackend(ElasticsearchSearchBackend):
    """OpenSearch 2 through opensearch-py."""

    product = "opensearch"

    def make_client(self):
        from opensearchpy import OpenSearch

        return OpenSearch(
            **opensearch_kwargs(self.url, self.options, timeout=self.timeout)
        )

    def transport_errors(self) -> tuple:
        from opensearchpy.exceptions import OpenSearchException

        return (OpenSearchException,)

    def _options(self, timeout: float):
        return _OpenSearchWithTimeout(self.client, timeout)

    def _search_raw(self, body: dict, *, index: str | None = None) -> dict:
        return self._call(
            lambda: self._options(self.timeout).search(
                index=index or self.alias, body=body
            )
        )

    def _post_bulk(self, payload: bytes, refresh: str) -> dict:
        return self._call(
            self._options(self.bulk_timeout).bulk,
            body=payload,
            params={"require_alias": "true", "refresh": refresh},
        )

    def _post_bulk_raw(self, payload: bytes) -> dict:
        return self._call(self._options(self.bulk_timeout).bulk, body=payload)

    def _create_index(self, name: str, body: dict) -> None:
        self._call(self._indices().create, index=name, body=body)

    def _update_aliases(self, actions: list[dict]) -> None:
        self._call(self._indices().update_aliases, body={"actions": actions})

    def _put_settings(self, name: str, settings: dict) -> None:
        self._call(self._indices().put_settings, index=name, body=settings)

    def _cat_indices(self, index: str) -> list[dict]:
        return list(
            self._call(
                self._options(self.timeout).cat.indices,
                index=index,
                format="json",
                h="index,health,status,docs.count",
            )
        )


class _OpenSearchWithTimeout:
    """opensearch-py has no .options(): pass request_timeout to every call."""

    def __init__(self, client, timeout: float):
        self._client = client
        self._timeout = timeout

    def __getattr__(self, name):
        target = getattr(self._client, name)
        if callable(target):
            return lambda *a, **kw: target(*a, request_timeout=self._timeout, **kw)
        return _OpenSearchWithTimeout(target, self._timeout)
