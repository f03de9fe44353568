"""The wire: client, error translation and the few raw requests the backend sends.

Every engine call goes through ``_call``: a missing index becomes
IndexMissing, a request the engine refuses (4xx) SearchQueryRejected, anything
else (down, slow, busy, 5xx, refused credentials) SearchEngineUnavailable.
"""

from __future__ import annotations

import logging
import re

from ..base import IndexMissing, SearchEngineUnavailable, SearchQueryRejected
from .connection import elasticsearch_kwargs

logger = logging.getLogger("search.backends.elasticsearch")

JSON = {"accept": "application/json", "content-type": "application/json"}
NDJSON = {"accept": "application/json", "content-type": "application/x-ndjson"}
# 4xx answers that are trouble with the engine or the credentials, not the query.
NOT_REJECTED = {401, 403, 408, 429}


class EngineTransport:
    """Client and raw requests of Elasticsearch (OpenSearch overrides them)."""

    @property
    def client(self):
        if not self.url:
            raise SearchEngineUnavailable(f"{self.name}: no URL configured")
        if self._client is None:
            self._client = self.make_client()
        return self._client

    def make_client(self):
        from elasticsearch import Elasticsearch

        return Elasticsearch(
            **elasticsearch_kwargs(self.url, self.options, timeout=self.timeout)
        )

    def _status(self, error) -> int | None:
        meta = getattr(error, "meta", None)
        status = getattr(meta, "status", None) or getattr(error, "status_code", None)
        return status if isinstance(status, int) else None

    def transport_errors(self) -> tuple:
        from elastic_transport import TransportError
        from elasticsearch import ApiError

        return (TransportError, ApiError)

    def _call(self, function, *args, **kwargs):
        """Every engine call. A missing index becomes IndexMissing, a request the
        engine refuses (4xx) SearchQueryRejected, anything else (down, slow,
        busy, 5xx, refused credentials) SearchEngineUnavailable."""
        try:
            return function(*args, **kwargs)
        except SearchEngineUnavailable:
            raise
        except self.transport_errors() as error:
            raise self._translate(error) from error
        except OSError as error:
            raise SearchEngineUnavailable(f"{self.name}: {error}") from error

    def _translate(self, error) -> SearchEngineUnavailable:
        status = self._status(error)
        text = f"{self.name}: {error}"[:1000]
        if status == 404:
            return IndexMissing(text)
        if status is not None and 400 <= status < 500 and status not in NOT_REJECTED:
            translated = SearchQueryRejected(text)
        else:
            translated = SearchEngineUnavailable(text)
        translated.status = status
        return translated

    def _options(self, timeout: float):
        return self.client.options(request_timeout=timeout)

    def _search_raw(self, body: dict, *, index: str | None = None) -> dict:
        return self._call(
            lambda: (
                self._options(self.timeout)
                .perform_request(
                    "POST", f"/{index or self.alias}/_search", headers=JSON, body=body
                )
                .body
            )
        )

    def _post_bulk(self, payload: bytes, refresh: str) -> dict:
        return self._call(
            lambda: (
                self._options(self.bulk_timeout)
                .perform_request(
                    "POST",
                    "/_bulk",
                    params={"require_alias": "true", "refresh": refresh},
                    headers=NDJSON,
                    body=payload,
                )
                .body
            )
        )

    def _post_bulk_raw(self, payload: bytes) -> dict:
        return self._call(
            lambda: (
                self._options(self.bulk_timeout)
                .perform_request("POST", "/_bulk", headers=NDJSON, body=payload)
                .body
            )
        )

    def _create_index(self, name: str, body: dict) -> None:
        self._call(self._indices().create, index=name, **body)

    def _update_aliases(self, actions: list[dict]) -> None:
        self._call(self._indices().update_aliases, actions=actions)

    def _put_settings(self, name: str, settings: dict) -> None:
        self._call(self._indices().put_settings, index=name, settings=settings)

    def _cat_indices(self, index: str) -> list[dict]:
        return list(
            self._call(
                self._options(self.timeout).cat.indices,
                index=index,
                format="json",
                h="index,health,status,docs.count",
            )
        )

    def _refresh_value(self, refresh):
        refresh = self.refresh if refresh is None else refresh
        return (
            "true"
            if refresh is True
            else ("wait_for" if refresh == "wait_for" else "false")
        )

    def _indices(self):
        return self._options(self.bulk_timeout).indices

    def close(self):
        if self._client is not None:
            try:
                self._client.close()
            except Exception:
                logger.debug("closing %s client failed", self.name, exc_info=True)
            self._client = None


def redact(url: str) -> str:
    """A URL without its credentials (for status pages and logs)."""
    return re.sub(r"//[^@/]+@", "//***@", url or "")
