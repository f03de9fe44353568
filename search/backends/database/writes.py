"""Writes of the database backend: bulk upserts, deletes, full reindex."""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ...documents import (
    SearchDocument,
)
from ..base import ReindexResult, batched
from .common import (
    UPSERT_SQL,
    UPSERT_TEMPLATE,
    document_row,
)


class DatabaseWrites:
    def bulk(self, documents: Iterable[SearchDocument]) -> int:
        from psycopg2.extras import execute_values

        now = timezone.now()
        rows = [document_row(document, now) for document in documents]
        if not rows:
            return 0
        connection.ensure_connection()
        with connection.cursor() as cursor:
            execute_values(
                cursor.cursor, UPSERT_SQL, rows, template=UPSERT_TEMPLATE, page_size=500
            )
        return len(rows)

    def delete(self, keys: Iterable[str]) -> int:
        from ...models import IndexedDocument

        keys = list(keys)
        if not keys:
            return 0
        deleted, _ = IndexedDocument.objects.filter(key__in=keys).delete()
        return deleted

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE search_document, search_term")

    def reindex(self, documents, *, progress=None, batch_size=500) -> ReindexResult:
        """Upsert everything and drop what was not seen, in one transaction:
        readers keep the old table until the commit."""
        from psycopg2.extras import execute_values

        started = time.monotonic()
        indexed = 0
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL search.bulk_load = 'on'")
                cursor.execute("DROP TABLE IF EXISTS search_reindex_keys")
                cursor.execute(
                    "CREATE TEMP TABLE search_reindex_keys (key varchar(120) PRIMARY KEY)"
                    " ON COMMIT DROP"
                )
                for batch in batched(documents, batch_size):
                    indexed += self.bulk(batch)
                    execute_values(
                        cursor.cursor,
                        "INSERT INTO search_reindex_keys (key) VALUES %s "
                        "ON CONFLICT DO NOTHING",
                        [(document.key,) for document in batch],
                        page_size=1000,
                    )
                    if progress:
                        progress(len(batch))
                cursor.execute(
                    "DELETE FROM search_document d WHERE NOT EXISTS "
                    "(SELECT 1 FROM search_reindex_keys k WHERE k.key = d.key)"
                )
                removed = cursor.rowcount
                cursor.execute("SELECT search_terms_rebuild()")
                cursor.execute("SET LOCAL search.bulk_load = 'off'")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_document")
            # The vocabulary was rebuilt (every row deleted and inserted again):
            # without a vacuum its trigram index keeps the dead entries until
            # autovacuum comes by, and every "did you mean" pays for them.
            if connection.in_atomic_block:
                cursor.execute("ANALYZE search_term")
            else:
                cursor.execute("VACUUM (ANALYZE) search_term")
            # Merge the GIN pending lists (fastupdate) into the indexes now:
            # otherwise every query scans the pending entries linearly until
            # autovacuum runs, which costs milliseconds on each one.
            cursor.execute(
                "SELECT gin_clean_pending_list(c.oid) FROM pg_index i"
                " JOIN pg_class c ON c.oid = i.indexrelid"
                " JOIN pg_am a ON a.oid = c.relam"
                " WHERE a.amname = 'gin' AND i.indrelid IN"
                " ('search_document'::regclass, 'search_term'::regclass)"
            )
        return ReindexResult(
            self.name, indexed, removed, time.monotonic() - started, "search_document"
        )

    def count(self) -> int:
        from ...models import IndexedDocument

        return IndexedDocument.objects.count()

    def keys(self) -> set[str]:
        from ...models import IndexedDocument

        return set(IndexedDocument.objects.values_list("key", flat=True))

    def health(self) -> dict:
        from ...models import PendingIndexOperation

        try:
            return {
                "engine": self.name,
                "status": "ok",
                "documents": self.count(),
                "pending": PendingIndexOperation.objects.count(),
            }
        except DatabaseError as error:
            return {"engine": self.name, "status": "error", "error": str(error)[:200]}
