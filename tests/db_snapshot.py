"""Expensive database content built once per session, then copied back.

``demo_content``/``demo_live`` (``load_demo``) and the privacy ``world``
fixtures used to be built for every test that asked for them (``load_demo``
took 50-160 s of setup per test on the loaded 2-core machine). Now the first
such test in a given database state builds it for real; its rows are then
copied out of PostgreSQL (``COPY ... TO STDOUT``, every table) and kept in
memory. A later test that starts from the *same* state (the same rows in every
table: ``fingerprint``) gets those rows copied back in (``COPY ... FROM STDIN``)
with triggers and foreign-key checks off for the milliseconds of the copy,
since the rows were consistent when they were copied out; what the build left
in the process caches (local-memory caches, page paths) is put back too. A test
whose database differs (a fixture made rows first), whose settings differ, or
whose clock is frozen, builds for real as before: a snapshot never stands in for
a state it was not made from.

Snapshots are keyed on the starting state, on whether the test commits
(``transactional_db``: the loader's on-commit work then runs) and on the
settings the loader reads; ids of restored rows are those of the first build.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io

from django.db import connection, transaction


@dataclasses.dataclass
class Snapshot:
    tables: dict[str, bytes]  # quoted table name -> COPY binary data
    sequences: dict[str, int]  # quoted sequence name -> last value


_snapshots: dict[str, tuple[Snapshot, object, object]] = {}
_seen_once: set[str] = set()  # keys of take_on_second_use loaders met once
stats = {"loaded": 0, "copied": 0, "content_types_changed": 0}
# name -> [built, copied back], for the summary at the end of a run.
per_loader: dict[str, list[int]] = {}
# One line per real build (name, mode, seconds, the test that asked for it): the
# end of a run lists them, so that a new build is noticed.
builds: list[str] = []


def _built(name: str, mode: str, seconds: float, why: str) -> None:
    import os

    per_loader.setdefault(name, [0, 0])[0] += 1
    if name in _quiet_loaders:
        return
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" ", 1)[0]
    builds.append(f"{name} ({mode}, {why}) {seconds:.1f} s for {test}")


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
        copied = _copy_out(cursor, table)
        # An empty table's binary COPY is its 19-byte header and trailer.
        if len(copied) > 21:
            data[table] = copied
    cursor.execute(
        "SELECT format('%I.%I', schemaname, sequencename), last_value "
        "FROM pg_sequences WHERE schemaname = current_schema() "
        "AND last_value IS NOT NULL"
    )
    return Snapshot(tables=data, sequences=dict(cursor.fetchall()))


def _copy_out(cursor, table: str) -> bytes:
    buffer = io.BytesIO()
    cursor.copy_expert(f"COPY {table} TO STDOUT (FORMAT binary)", buffer)
    return buffer.getvalue()


def _restore(cursor, tables: list[str], snapshot: Snapshot) -> bool:
    """Copy the snapshot back; True when content types got other ids."""
    content_types = next(
        (t for t in tables if t.rsplit(".", 1)[-1] == "django_content_type"), None
    )
    before = _copy_out(cursor, content_types) if content_types else b""
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
    return before != snapshot.tables.get(content_types, before)


def _settings_key(*, engine_independent: bool = False) -> str:
    from django.conf import settings
    from django.utils import translation

    return repr(
        (
            "(any engine)" if engine_independent else settings.SEARCH_ENGINE,
            settings.TASKS,
            settings.LANGUAGE_CODE,
            translation.get_language(),
            settings.PASSWORD_HASHERS,
            str(settings.MEDIA_ROOT),
            settings.STORAGES,
            settings.CACHES,
        )
    )


def _time_is_frozen() -> bool:
    """freezegun swaps datetime.datetime: rows made now would carry its time."""
    import datetime

    return datetime.datetime.__name__ != "datetime"


def _freeze(value):
    """The loader's return value as something to fetch again after a copy."""
    from django.db.models import Model

    if isinstance(value, Model):
        return ("model", type(value), value.pk)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            "dataclass",
            type(value),
            {
                f.name: _freeze(getattr(value, f.name))
                for f in dataclasses.fields(value)
            },
        )
    if isinstance(value, dict):
        return ("dict", {k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_freeze(v) for v in value])
    return ("value", value)


def _thaw(frozen):
    kind = frozen[0]
    if kind == "model":
        _kind, model, pk = frozen
        return model._default_manager.get(pk=pk)
    if kind == "dataclass":
        _kind, cls, fields = frozen
        return cls(**{name: _thaw(v) for name, v in fields.items()})
    if kind == "dict":
        return {k: _thaw(v) for k, v in frozen[1].items()}
    if kind in ("list", "tuple"):
        items = [_thaw(v) for v in frozen[1]]
        return items if kind == "list" else tuple(items)
    return frozen[1]


def _process_caches():
    """The local-memory caches (tests/settings) and the portal's page paths."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    return [c for c in caches.all() if isinstance(c, LocMemCache)]


def _take_caches():
    """What the loader left in the process caches (a real load warms them: the
    site root paths, say), to be put back with the rows."""
    from portal import page_paths

    return (
        [(dict(c._cache), dict(c._expire_info)) for c in _process_caches()],
        {key: value for key, (_expiry, value) in page_paths._memo.items()},
    )


def _restore_caches(saved) -> None:
    import time

    from portal import page_paths

    entries, paths = saved
    for cache, (values, expiry) in zip(_process_caches(), entries, strict=False):
        with cache._lock:
            cache._cache.update(values)
            cache._expire_info.update(expiry)
    with page_paths._lock:
        for key, value in paths.items():
            page_paths._memo[key] = (time.monotonic() + page_paths.TTL_SECONDS, value)


def _why_new(key: str) -> str:
    """How a new key differs from the earlier ones of the same loader."""
    name, rows, mode, settings_key = key.split("|", 3)
    others = [
        k.split("|", 3) for k in _snapshots if k != key and k.startswith(name + "|")
    ]
    if not others:
        return "first"
    reasons = set()
    for _name, other_rows, other_mode, other_settings in others:
        differs = [
            label
            for label, a, b in (
                ("rows", rows, other_rows),
                ("mode", mode, other_mode),
                ("settings", settings_key, other_settings),
            )
            if a != b
        ]
        reasons.add("+".join(differs))
    return "other " + " or ".join(sorted(reasons))


_quiet_loaders: set[str] = set()


def load_once(
    name: str,
    load,
    *,
    take_on_second_use: bool = False,
    engine_independent: bool = False,
    after_copy=None,
):
    """Run ``load()`` (which fills the database), or copy back the rows it
    made from the same starting state earlier in the session; ``name`` tells
    loaders apart. Returns what ``load()`` returns: after a copy, its model
    instances (also inside dataclasses, dicts, lists and tuples) are fetched
    again by primary key.

    ``take_on_second_use``: for small, often used loaders (the home page),
    whose starting state may be one of a kind (a test made rows first): the
    rows are only copied out when a starting state comes a second time, and
    their builds are counted, not listed, at the end of the run.

    ``engine_independent``: inside a test's transaction, the rows ``load()``
    makes are the same whichever search engine is configured (the database
    table is the source of truth; on-commit indexing does not run), so one
    snapshot serves every engine; ``after_copy()`` then redoes, after a copy,
    what the load wrote outside PostgreSQL (the engine's index). Committed
    loads stay keyed on the engine (their on-commit work writes to it)."""
    import time

    if take_on_second_use:
        _quiet_loaders.add(name)
    connection.ensure_connection()
    atomic = connection.in_atomic_block
    mode = "atomic" if atomic else "committed"
    started = time.monotonic()
    with connection.cursor() as cursor:
        if _time_is_frozen() or not _can_skip_triggers(cursor):
            stats["loaded"] += 1
            value = load()
            _built(
                name, mode, time.monotonic() - started, "frozen time or no superuser"
            )
            return value
        tables = _tables(cursor)
        key = "|".join(
            (
                name,
                fingerprint(cursor, tables),
                mode,
                # Rows made inside a test's transaction never reach an engine
                # (its on-commit indexing does not run): the same for any.
                _settings_key(engine_independent=engine_independent and atomic),
            )
        )
        entry = _snapshots.get(key)
        if entry is None:
            value = load()
            if take_on_second_use and key not in _seen_once:
                _seen_once.add(key)
                _built(name, mode, time.monotonic() - started, "first of its state")
                return value
            _snapshots[key] = (_take(cursor, tables), _freeze(value), _take_caches())
            stats["loaded"] += 1
            _built(name, mode, time.monotonic() - started, _why_new(key))
            return value
        snapshot, frozen, caches = entry
        with transaction.atomic():
            if _restore(cursor, tables, snapshot):
                stats["content_types_changed"] += 1
                refresh_cached_ids()
    _restore_caches(caches)
    if after_copy is not None and engine_independent and atomic:
        after_copy()
    stats["copied"] += 1
    per_loader.setdefault(name, [0, 0])[1] += 1
    return _thaw(frozen)


def refresh_cached_ids() -> None:
    """Content types are cached per process under their ids: when a copy
    brought other ids (or a test's rollback took them back), cache the ones
    now in the database, all of them, so that no test pays a query it would
    not have paid with a warm cache (query budgets count them)."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    for content_type in ContentType.objects.all():
        ContentType.objects._add_to_cache(connection.alias, content_type)


def load_demo() -> None:
    """The demo content of shared/PRODUCT.md, as ``manage.py load_demo``."""
    import os

    from django.core.management import call_command

    def run():
        with open(os.devnull, "w") as devnull:
            call_command("load_demo", "--quiet-users", stdout=devnull)

    load_once("load_demo", run, engine_independent=True, after_copy=_engine_from_table)


def _engine_from_table() -> None:
    """What the demo's last step (search.demo) does for a configured engine:
    build its index from the database table of documents (copied back with
    the other rows). With the database backend alone there is nothing to do."""
    from search.backends import SearchEngineUnavailable
    from search.services import active_backends, search_reindex

    engines = [backend.name for backend in active_backends() if not backend.is_database]
    if not engines:
        return
    try:
        search_reindex(backend_names=engines)
    except SearchEngineUnavailable:
        pass  # as the demo step: the database backend answers meanwhile
