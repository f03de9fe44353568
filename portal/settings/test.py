"""Tests: real PostgreSQL (embedded unless DATABASE_URL is set), fast hashing,
local-memory cache and email, immediate background tasks."""

from .base import *  # noqa: F403
from .base import DATABASE_URL, VAR_DIR, os

DEBUG = False
SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_TRANSPORT = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
    },
}
PAGE_CACHE_SECONDS = 0  # the page cache tests switch it on
# Immediate tasks keep most tests synchronous; the fault tests switch to the
# database backend and run the worker's code.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
WAGTAILADMIN_BASE_URL = "http://testserver"
SEARCH_ENGINE = "database"

if not DATABASE_URL:
    from portal.embedded_db import embedded_database

    DATABASES = {"default": embedded_database(VAR_DIR, "portal")}
# Several test runs may share one server (e.g. parallel sessions): keep their
# test databases apart with TEST_DB_SUFFIX.
DATABASES["default"]["TEST"] = {
    "NAME": "test_portal" + os.environ.get("TEST_DB_SUFFIX", "")
}
SITE_URL = "http://testserver"

# Read API (issue 16): rates no test suite trips by accident; the throttle's own
# tests set low ones.
from .base import REST_FRAMEWORK  # noqa: E402

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}
# Request limits are off unless a test turns one on (the cache outlives a test).
PORTAL_RATE_LIMITS = {}

# Suite speed: a test database never needs a commit to survive a crash, so commits
# do not wait for the write-ahead log to reach the disk (what other connections
# see, and when, is unchanged). Flushes after transactional tests, migrations
# and the committed demo load each make hundreds to thousands of commits.
_options = DATABASES["default"].setdefault("OPTIONS", {})
_options["options"] = (
    _options.get("options", "") + " -c synchronous_commit=off"
).strip()
