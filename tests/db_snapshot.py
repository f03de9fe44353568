"""Expensive database content built once per session, then copied back.

``demo_content`` and ``demo_live`` used to run ``load_demo`` for every test that
asked for them (a few seconds each on a loaded machine). Now the first such test
in a given database state runs ``load_demo`` for real; its rows are then copied
out of PostgreSQL (``COPY ... TO STDOUT``, every table) and kept in memory. A
later test that starts from the *same* state (the same rows in every table:
``fingerprint``) gets those rows copied back in (``COPY ... FROM STDIN``) with
triggers and foreign-key checks off for the few milliseconds of the copy, since
the rows were consistent when they were copied out. A test whose database
differs (a fixture made rows first, a setting changed) runs ``load_demo`` for
real as before, so a snapshot never stands in for a state it was not made from.

Snapshots are keyed on the starting state, on whether the test commits
(``transactional_db``: the loader's on-commit work then runs) and on the
settings the loader reads; ids of restored rows are those of the first load.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.db import connection, transaction


@dataclass
class Snapshot:
    tables: dict[str, bytes]  # quoted table name -> COPY binary data
    sequences: dict[str, int]  # quoted sequence name -> last value


_snapshots: dict[str, Snapshot] = {}
stats = {"loaded": 0, "copied": 0}


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables "
        "WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


# Rows that post_migrate makes again after every flush of a transactional test,
# under new ids each time: not part of the starting state's identity (a restore
# replaces them with the snapshot's own, consistent with its other rows).
REMADE_AFTER_FLUSH = {"django_content_type", "auth_permission"}


def fingerprint(cursor, tables: list[str]) -> str:
    """A digest of every row of every table (one query)."""
    tables = [t for t in tables if t.rsplit(".", 1)[-1] not in REMADE_AFTER_FLUSH]
    parts = [
        f"SELECT {index}, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
        f" FROM {table} t"
        for index, table in enumerate(tables)
    ]
    cursor.execute(" UNION ALL ".join(parts))
    digest = hashlib.sha1()
    for index, value in sorted(cursor.fetchall()):
        digest.update(f"{tables[index]}={value};".encode())
    return digest.hexdigest()


def _can_skip_triggers(cursor) -> bool:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    return bool(row and row[0])


def _take(cursor, tables: list[str]) -> Snapshot:
    data = {}
    for table in tables:
        buffer = io.BytesIO()
        cursor.copy_expert(f"COPY {table} TO STDOUT (FORMAT binary)", buffer)
        # An empty table's binary COPY is its 19-byte header and trailer.
        if buffer.tell() > 21:
            data[table] = buffer.getvalue()
    cursor.execute(
        "SELECT format('%I.%I', schemaname, sequencename), last_value "
        "FROM pg_sequences WHERE schemaname = current_schema() "
        "AND last_value IS NOT NULL"
    )
    return Snapshot(tables=data, sequences=dict(cursor.fetchall()))


def _restore(cursor, tables: list[str], snapshot: Snapshot) -> None:
    cursor.execute("SET LOCAL session_replication_role = replica")
    for table in tables:
        cursor.execute(f"DELETE FROM {table}")
    for table, data in snapshot.tables.items():
        cursor.copy_expert(f"COPY {table} FROM STDIN (FORMAT binary)", io.BytesIO(data))
    for sequence, value in snapshot.sequences.items():
        # Never move a sequence back: ids already handed out stay unique.
        cursor.execute(
            f"SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM {sequence})))",
            [sequence, value],
        )
    cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def _settings_key() -> str:
    from django.conf import settings
    from django.utils import translation

    return repr(
        (
            settings.SEARCH_ENGINE,
            settings.TASKS,
            settings.LANGUAGE_CODE,
            translation.get_language(),
            settings.PASSWORD_HASHERS,
            str(settings.MEDIA_ROOT),
            settings.STORAGES,
        )
    )


def load_once(name: str, load) -> bool:
    """Run ``load()`` (which fills the database), or copy back the rows it
    made from the same starting state earlier in the session. ``name`` tells
    loaders apart. True when the rows were copied back."""
    from django.contrib.contenttypes.models import ContentType

    connection.ensure_connection()
    with connection.cursor() as cursor:
        if not _can_skip_triggers(cursor):
            load()
            stats["loaded"] += 1
            return False
        tables = _tables(cursor)
        key = "|".join(
            (
                name,
                fingerprint(cursor, tables),
                "atomic" if connection.in_atomic_block else "committed",
                _settings_key(),
            )
        )
        snapshot = _snapshots.get(key)
        if snapshot is None:
            load()
            _snapshots[key] = _take(cursor, tables)
            stats["loaded"] += 1
            return False
        with transaction.atomic():
            _restore(cursor, tables, snapshot)
    ContentType.objects.clear_cache()
    stats["copied"] += 1
    return True


def forget_cached_ids() -> None:
    """After a test that copied rows back: content types cached under the
    snapshot's ids must not outlive its rolled-back transaction."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def load_demo() -> bool:
    """The demo content of shared/PRODUCT.md, as ``manage.py load_demo``."""
    import os

    from django.core.management import call_command

    def run():
        with open(os.devnull, "w") as devnull:
            call_command("load_demo", "--quiet-users", stdout=devnull)

    return load_once("load_demo", run)
