"""Settings for bench/search.py: development settings on a database of its own
(portal_bench on the embedded server, or BENCH_DATABASE_NAME there, or
BENCH_DATABASE_URL), so the benchmark
never touches the development data."""

import os

import dj_database_url

from portal.settings.development import *  # noqa: F403
from portal.settings.development import VAR_DIR

DEBUG = False  # no query log growing in memory
if os.environ.get("BENCH_DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["BENCH_DATABASE_URL"])}
else:
    from portal.embedded_db import embedded_database

    # BENCH_DATABASE_NAME: another corpus beside the default one (e.g. a
    # million documents in portal_bench_1m, kept for --reuse runs).
    name = os.environ.get("BENCH_DATABASE_NAME", "portal_bench")
    DATABASES = {"default": embedded_database(VAR_DIR, name)}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
