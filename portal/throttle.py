"""Request limits kept in the Django cache, so they hold across processes.

A limit is "N per period" for one action, counted per signed-in member or, for
visitors, per client address (read the way allauth reads it, so one proxy
setting, ``ALLAUTH_TRUSTED_PROXY_COUNT`` or ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER``,
serves both; see the README). A refused request gets HTTP 429 with
``Retry-After``.
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "30/m" -> (30, 60)."""
    amount, period = rate.split("/")
    return int(amount), PERIODS[period]


def client_key(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    from allauth.core.internal.httpkit import get_client_ip

    return f"ip:{get_client_ip(request) or 'unknown'}"


def hit(*, action: str, key: str, rate: str) -> int | None:
    """Count one request; the seconds to wait when over the limit, else None.
    A fixed window per period: cheap, one cache round trip or two."""
    amount, period = parse_rate(rate)
    window = int(time.time() // period)
    cache_key = f"throttle:{action}:{key}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=period + 1)
        count = 1
    if count > amount:
        return max(int((window + 1) * period - time.time()), 1)
    return None


def too_many_requests(request, retry_after: int) -> HttpResponse:
    response = HttpResponse(
        render_to_string("429.html", {"retry_after": retry_after}, request=request),
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(action: str):
    """Limit a view by ``settings.PORTAL_RATE_LIMITS[action]``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            rate = settings.PORTAL_RATE_LIMITS.get(action)
            if rate:
                wait = hit(action=action, key=client_key(request), rate=rate)
                if wait is not None:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def handler429(request, exception=None):
    """allauth's answer when one of its limits (sign-up, sign-in...) is hit."""
    return too_many_requests(request, 60)
