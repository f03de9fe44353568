"""Settings for bench/pages.py: development settings without DEBUG on a
database of its own (portal_pages_bench on the embedded server, or
BENCH_PAGES_DATABASE_URL), so the page benchmark never touches the development
data and its seeded community is reused between runs."""

import os

import dj_database_url

from portal.settings.development import *  # noqa: F403
from portal.settings.development import VAR_DIR

DEBUG = False  # production-like: no query log, no debug toolbar
ALLOWED_HOSTS = ["*"]
if os.environ.get("BENCH_PAGES_DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(os.environ["BENCH_PAGES_DATABASE_URL"])
    }
else:
    from portal.embedded_db import embedded_database

    DATABASES = {"default": embedded_database(VAR_DIR, "portal_pages_bench")}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Pages are timed uncached (the issue's target); --cached times visitors'
# pages served from the page cache as well.
PAGE_CACHE_SECONDS = int(os.environ.get("BENCH_PAGE_CACHE_SECONDS", "0"))
# Every request of the benchmark comes from 127.0.0.1: the per-address limits
# would time the refusal, not the page.
PORTAL_RATE_LIMITS = {}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute", "user": "1000000/minute"},
}
# Persistent connections as in production (base settings: CONN_MAX_AGE 60,
# health-checked). The embedded server's entry closes the connection after
# each request (fine for development), which would time a new PostgreSQL
# backend, its cold catalogue caches and Django's connection set-up on every
# request: a cost a production process does not pay.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
