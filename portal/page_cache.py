"""Visitors' pages from the cache, with no SQL at all on a hit.

Only anonymous GET/HEAD requests without a session cookie are considered (a
session cookie may belong to a signed-in member, and finding out would cost a
query), and only responses that are 200 HTML, set no cookie, are not marked
private or no-cache/no-store, and were rendered for an anonymous user. The key
is the host, path, query and the language the request would be answered in.
Every publish, unpublish or moderation change purges the whole cache
(``page_cache_purge``), so a change is visible at once.

Pages carry a CSRF token (the language form in the footer): the stored copy
has a placeholder instead, and each hit gets the visitor's own token (and
cookie) from Django's CSRF middleware, so forms on cached pages keep working.
"""

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils.cache import get_max_age, patch_response_headers
from django.utils.translation import get_language_from_request

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
HIT_HEADER = "X-Page-Cache"
CSRF_PLACEHOLDER = b"page-cache-csrf-token-placeholder"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _cache():
    return caches[CACHE_ALIAS]


def page_cache_purge() -> None:
    """Forget every cached page (never raises: a purge that fails is logged)."""
    try:
        _cache().clear()
    except Exception:
        logger.exception("page cache: purge failed")


def _key(request) -> str:
    raw = "|".join(
        [
            request.method,
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            get_language_from_request(request) or "",
        ]
    )
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _cacheable_request(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(("/admin/", "/django-admin/", "/accounts/"))
    )


def _cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-cache", "no-store")):
        return False
    if get_max_age(response) == 0:
        return False
    # No session cookie came in and none goes out, so "Vary: Cookie" (set
    # whenever a template asked who the user is) is already honoured by the key.
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        try:
            cached = _cache().get(key)
        except Exception:
            logger.warning("page cache unavailable", exc_info=True)
            cached = None
        if cached is not None:
            return self._serve(request, cached)
        response = self.get_response(request)
        if _cacheable_response(request, response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            patch_response_headers(response, cache_timeout=0)
            try:
                _cache().set(key, _stored_copy(response), settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("page cache: store failed", exc_info=True)
            response[HIT_HEADER] = "miss"
        return response

    def _serve(self, request, response):
        if CSRF_PLACEHOLDER in response.content:
            csrf = CsrfViewMiddleware(self.get_response)
            csrf.process_request(request)
            token = get_token(request).encode()
            response.content = response.content.replace(CSRF_PLACEHOLDER, token)
            response = csrf.process_response(request, response)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        response[HIT_HEADER] = "hit"
        return response


def _stored_copy(response) -> HttpResponse:
    """The response without cookies, the visitor's CSRF token replaced."""
    content = response.content
    match = CSRF_INPUT.search(content)
    if match:
        content = content.replace(match.group(1), CSRF_PLACEHOLDER)
    stored = HttpResponse(content, status=response.status_code)
    for name, value in response.items():
        stored[name] = value
    return stored
