"""Absolute links to the portal: always from SITE_URL, never the request's host
(emails, feeds, calendar files and their UIDs)."""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """``/a/b/`` -> ``https://portal.example.org/a/b/``; absolute URLs pass."""
    if not path:
        return ""
    if path.startswith(("http://", "https://")):
        return path
    if not path.startswith("/"):
        path = "/" + path
    return settings.SITE_URL.rstrip("/") + path


def site_domain() -> str:
    """The portal's host name (for calendar UIDs and message ids)."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"
