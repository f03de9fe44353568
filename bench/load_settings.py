"""Settings for bench/load.py: production-like (DEBUG off, the database task
backend, the page cache, persistent connections) on the page benchmark's
seeded community (portal_pages_bench on the embedded server, or
BENCH_DATABASE_URL)."""

import os

import dj_database_url

from portal.settings.development import *  # noqa: F403
from portal.settings.development import VAR_DIR

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
if os.environ.get("BENCH_DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["BENCH_DATABASE_URL"])}
else:
    from portal.embedded_db import embedded_database

    # The community bench/pages.py seeds (2,000 members, 20,000 resources,
    # 50,000 posts), shared by both benchmarks.
    DATABASES = {
        "default": embedded_database(
            VAR_DIR, os.environ.get("BENCH_LOAD_DATABASE", "portal_pages_bench")
        )
    }
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
EMAIL_TRANSPORT = "django.core.mail.backends.dummy.EmailBackend"
STATIC_ROOT = VAR_DIR / "load-static"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "load-pages"),
    },
}
# Every client is 127.0.0.1: the per-address search limits are not measured.
PORTAL_RATE_LIMITS = {}
# Members post as fast as the load allows: the posting limits are not measured.
FORUMS_RATE_LIMITS = {
    "NEW_ACCOUNT_DAYS": 0,
    "THREADS_PER_MINUTE": 100000,
    "POSTS_PER_MINUTE": 100000,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
