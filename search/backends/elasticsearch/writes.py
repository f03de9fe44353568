"""Writes: bulk indexing and deletion through the alias, and the full reindex
(new timestamped index, bulk load, atomic alias swap, old indices dropped)."""

from __future__ import annotations

import time
from collections.abc import Iterable

from ...documents import SearchDocument
from ..base import ReindexResult
from . import bulk as bulk_helpers


class EngineWrites:
    def _write(self, actions, *, refresh=None) -> bulk_helpers.BulkReport:
        return bulk_helpers.send(
            lambda payload: self._post_bulk(payload, self._refresh_value(refresh)),
            actions,
        )

    def bulk(self, documents: Iterable[SearchDocument], *, refresh=None) -> int:
        """Index ``documents`` through the alias (never creating an index: a
        missing alias raises IndexMissing and the write is queued for retry).
        Documents the engine refuses for good are logged and skipped."""
        report = self._write(
            (
                ({"index": {"_index": self.alias, "_id": d.key}}, d.as_engine_source())
                for d in documents
            ),
            refresh=refresh,
        )
        self.last_failures = report.failed
        return report.ok

    def delete(self, keys: Iterable[str], *, refresh=None) -> int:
        keys = list(keys)
        if not keys:
            return 0
        self._write(
            (({"delete": {"_index": self.alias, "_id": key}}, None) for key in keys),
            refresh=refresh,
        )
        return len(keys)

    def clear(self) -> None:
        for name in self.alias_targets():
            self._call(self._indices().delete, index=name)

    def reindex(self, documents, *, progress=None, batch_size=500) -> ReindexResult:
        """New index, bulk load, atomic alias swap, old indices dropped."""
        started = time.monotonic()
        old = self.alias_targets()
        name = self._new_index_name()
        self.create_index(name, loading=True)
        counted = {"n": 0}

        def actions():
            for document in documents:
                counted["n"] += 1
                if progress and counted["n"] % batch_size == 0:
                    progress(batch_size)
                yield (
                    {"index": {"_index": name, "_id": document.key}},
                    document.as_engine_source(),
                )

        try:
            report = bulk_helpers.send(
                lambda payload: self._post_bulk_to_index(payload), actions()
            )
            if progress and counted["n"] % batch_size:
                progress(counted["n"] % batch_size)
            # Back to the engine's default refresh (not pinned to a value).
            self._put_settings(name, {"index": {"refresh_interval": None}})
            self._call(self._indices().refresh, index=name)
            actions_ = [
                {"remove": {"index": old_name, "alias": self.alias}} for old_name in old
            ]
            actions_.append(
                {"add": {"index": name, "alias": self.alias, "is_write_index": True}}
            )
            self._update_aliases(actions_)
        except Exception:
            self._call(self._indices().delete, index=name)
            raise
        if old:
            # Searches that resolved the alias just before the swap may still
            # be running on the old index: give them their timeout to finish.
            time.sleep(self.alias_grace)
        removed = 0
        for old_name in old:
            removed += self._count_index(old_name)
            self._call(self._indices().delete, index=old_name)
        self.last_failures = report.failed
        return ReindexResult(
            self.name,
            report.ok,
            max(removed - report.ok, 0),
            time.monotonic() - started,
            name,
        )

    def _post_bulk_to_index(self, payload: bytes) -> dict:
        """Bulk into a new concrete index (reindex): no alias to require."""
        return self._post_bulk_raw(payload)
