"""Index administration: the alias and its indices, mappings, counts and health.

Searches go to an alias (``<prefix>-documents``). Nothing creates the index
implicitly: until the first ``search_reindex`` (or ``ensure_index``) the alias
is missing, writes are queued for retry and searches are answered from the
database.
"""

from __future__ import annotations

from django.utils import timezone

from ...documents import engine_index
from ..base import IndexMissing, SearchEngineUnavailable
from .transport import redact


class EngineIndices:
    def alias_targets(self) -> list[str]:
        try:
            return sorted(self._call(self._indices().get_alias, name=self.alias).keys())
        except IndexMissing:
            return []

    def index_body(self, name: str, *, loading: bool = False, alias=False) -> dict:
        body = engine_index(name).to_dict()
        index_settings = body.setdefault("settings", {})
        index_settings.pop("number_of_replicas", None)
        if self.replicas is None:
            index_settings["auto_expand_replicas"] = "0-1"
        else:
            index_settings["number_of_replicas"] = int(self.replicas)
        if loading:
            index_settings["refresh_interval"] = "-1"
        if alias:
            body["aliases"] = {self.alias: {"is_write_index": True}}
        return body

    def create_index(self, name: str, *, loading: bool = False) -> None:
        self._create_index(name, self.index_body(name, loading=loading))

    def ensure_index(self) -> bool:
        """Create an empty index under the alias when there is none, in one
        request (index, mapping and alias together: concurrent callers cannot
        leave two indices, nor a dynamically mapped one, under the alias).
        True when this call created it."""
        if self.alias_targets():
            return False
        name = self._new_index_name()
        try:
            self._create_index(name, self.index_body(name, alias=True))
        except SearchEngineUnavailable as error:
            # Another process won the race: the engine refuses a second write
            # index for the alias (400 on OpenSearch, 500 on Elasticsearch).
            if error.status is not None and self.alias_targets():
                self._drop_if_orphan(name)
                return False
            raise
        targets = self.alias_targets()
        if len(targets) > 1 and targets[0] != name:  # both won: keep the oldest
            self._drop_if_orphan(name, force=True)
            return False
        return True

    def _drop_if_orphan(self, name: str, *, force: bool = False) -> None:
        try:
            if force or name not in self.alias_targets():
                self._call(self._indices().delete, index=name)
        except IndexMissing:
            pass

    def _new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"

    def _count_index(self, index: str) -> int:
        try:
            return int(self._call(self.client.count, index=index)["count"])
        except SearchEngineUnavailable:
            return 0

    # Reads -----------------------------------------------------------------

    def count(self) -> int:
        try:
            return int(
                self._call(self._options(self.timeout).count, index=self.alias)["count"]
            )
        except IndexMissing:
            return 0

    def keys(self) -> set[str]:
        if not self.alias_targets():
            raise IndexMissing(self._missing_message())
        from elasticsearch.dsl import Search

        keys = set()
        body = (
            Search()
            .query("match_all")
            .source(["key"])
            .sort("key")
            .extra(size=1000)
            .to_dict()
        )
        while True:
            response = self._search_raw(body)
            hits = response["hits"]["hits"]
            keys.update(hit["_id"] for hit in hits)
            if len(hits) < 1000:
                return keys
            body["search_after"] = hits[-1]["sort"]

    def _missing_message(self) -> str:
        return f"no index {self.alias} yet: run manage.py search_reindex"

    def health(self) -> dict:
        """Health of the alias's own indices (not of the whole cluster), read
        with index-level privileges only (``monitor`` on the alias)."""
        status = {"engine": self.name, "url": redact(self.url), "index": self.alias}
        try:
            rows = self._cat_indices(self.alias)
            health = {row.get("health") for row in rows}
            status["indices"] = sorted(row.get("index") for row in rows)
            status["cluster"] = (
                "red"
                if "red" in health
                else "yellow"
                if "yellow" in health
                else "green"
            )
            status["documents"] = sum(int(row.get("docs.count") or 0) for row in rows)
            if self.alias in status["indices"]:
                status.update(
                    status="error",
                    error=f"{self.alias} is an index, not an alias: run search_reindex",
                )
            else:
                status["status"] = "error" if "red" in health else "ok"
        except IndexMissing:
            status.update(
                status="missing",
                documents=0,
                error=self._missing_message(),
            )
        except SearchEngineUnavailable as error:
            status.update(status="unavailable", error=str(error)[:200])
        except Exception as error:  # noqa: BLE001 - health must answer, whatever happens
            status.update(
                status="error", error=f"{error.__class__.__name__}: {error}"[:200]
            )
        return status
