"""Local development: DEBUG, console email, embedded PostgreSQL when DATABASE_URL is unset."""

from .base import *  # noqa: F403
from .base import DATABASE_URL, VAR_DIR, os

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
# Mail still goes through the outbox; the worker prints it to the console.
EMAIL_TRANSPORT = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
if not DATABASE_URL:
    from portal.embedded_db import embedded_database

    DATABASES = {"default": embedded_database(VAR_DIR, "portal")}

PORTAL_SHOW_DEMO_PASSWORDS = True

# Report, do not block, while developing (the browser console lists violations).
CONTENT_SECURITY_POLICY_REPORT_ONLY = CONTENT_SECURITY_POLICY  # noqa: F405
CONTENT_SECURITY_POLICY = None
