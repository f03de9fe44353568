"""Posting limits, modelled on Discourse's defaults for new accounts.

Counted from the database (threads and posts carry their author and time), so
limits hold across processes, survive restarts and lift exactly when the oldest
counted post leaves the window. Deleted posts still count: deleting does not buy
another post. Override any value with ``settings.FORUMS_RATE_LIMITS``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import formats, timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DEFAULTS = {
    # An account is "new" for this many days after it joined.
    "NEW_ACCOUNT_DAYS": 3,
    # New accounts, per 24 hours (Discourse: max_topics_in_first_day = 3,
    # max_replies_in_first_day = 10) and per post (newuser_max_links = 2).
    "NEW_ACCOUNT_THREADS_PER_DAY": 3,
    "NEW_ACCOUNT_REPLIES_PER_DAY": 10,
    "NEW_ACCOUNT_LINKS_PER_POST": 2,
    # Everyone but staff, per minute.
    "THREADS_PER_MINUTE": 2,
    "POSTS_PER_MINUTE": 5,
}

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


def limits() -> dict:
    return {**DEFAULTS, **getattr(settings, "FORUMS_RATE_LIMITS", {})}


@dataclass
class RateLimited(Exception):
    """A refused post: why, and from when the member may try again."""

    message: str
    retry_at: datetime | None = None

    def __str__(self):
        return self.message


def is_new_account(user, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    joined = getattr(user, "date_joined", None)
    if joined is None:
        return False
    return now - joined < timedelta(days=limits()["NEW_ACCOUNT_DAYS"])


def _retry_phrase(retry_at: datetime, now: datetime) -> str:
    when = formats.date_format(timezone.localtime(retry_at), "DATETIME_FORMAT")
    return _("Try again after %(when)s (in %(delay)s).") % {
        "when": when,
        "delay": timeuntil(retry_at, now) or _("a moment"),
    }


def _check_window(times: list[datetime], limit: int, window: timedelta, now, message):
    """``times``: creation times inside the window, oldest first."""
    if len(times) < limit:
        return
    # The limit lifts when enough of the oldest posts have left the window.
    retry_at = times[len(times) - limit] + window
    raise RateLimited(f"{message} {_retry_phrase(retry_at, now)}", retry_at)


def check_link_limit(
    *, user, external_links: int, exempt_new_account: bool = False
) -> None:
    """The new-account limit on links in one post, for a new post and for every
    edit of one (or a post accepted with one link gains ten afterwards)."""
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return
    now = timezone.now()
    config = limits()
    new_account = is_new_account(user, now) and not exempt_new_account
    if new_account and external_links > config["NEW_ACCOUNT_LINKS_PER_POST"]:
        allowed = config["NEW_ACCOUNT_LINKS_PER_POST"]
        lifted = user.date_joined + timedelta(days=config["NEW_ACCOUNT_DAYS"])
        raise RateLimited(
            ngettext(
                "New accounts may include at most %(count)d link in a post; this "
                "one has %(found)d. Remove some links, or post them after %(when)s.",
                "New accounts may include at most %(count)d links in a post; this "
                "one has %(found)d. Remove some links, or post them after %(when)s.",
                allowed,
            )
            % {
                "count": allowed,
                "found": external_links,
                "when": formats.date_format(
                    timezone.localtime(lifted), "DATETIME_FORMAT"
                ),
            },
            lifted,
        )


def check_can_post(
    *, user, kind: str, external_links: int = 0, exempt_new_account: bool = False
) -> None:
    """Raise RateLimited when ``user`` may not post now.

    ``kind`` is "thread" or "reply". ``exempt_new_account`` lifts the new-account
    limits (moderators of the forum); staff are never limited.
    """
    from .models import Post, Thread

    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return
    now = timezone.now()
    config = limits()
    new_account = is_new_account(user, now) and not exempt_new_account
    check_link_limit(
        user=user, external_links=external_links, exempt_new_account=exempt_new_account
    )

    def times(model, since, **filters):
        return list(
            model.objects.filter(author=user, created_at__gt=since, **filters)
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )

    if kind == "thread":
        if new_account:
            limit = config["NEW_ACCOUNT_THREADS_PER_DAY"]
            _check_window(
                times(Thread, now - DAY),
                limit,
                DAY,
                now,
                ngettext(
                    "While your account is new you can start %(count)d discussion "
                    "a day, and you have reached it.",
                    "While your account is new you can start %(count)d discussions "
                    "a day, and you have reached that limit.",
                    limit,
                )
                % {"count": limit},
            )
        limit = config["THREADS_PER_MINUTE"]
        _check_window(
            times(Thread, now - MINUTE),
            limit,
            MINUTE,
            now,
            ngettext(
                "You can start %(count)d discussion a minute.",
                "You can start %(count)d discussions a minute.",
                limit,
            )
            % {"count": limit},
        )
    else:
        if new_account:
            limit = config["NEW_ACCOUNT_REPLIES_PER_DAY"]
            _check_window(
                times(Post, now - DAY, position__gt=1),
                limit,
                DAY,
                now,
                ngettext(
                    "While your account is new you can post %(count)d reply a day, "
                    "and you have reached it.",
                    "While your account is new you can post %(count)d replies a "
                    "day, and you have reached that limit.",
                    limit,
                )
                % {"count": limit},
            )
    limit = config["POSTS_PER_MINUTE"]
    _check_window(
        times(Post, now - MINUTE),
        limit,
        MINUTE,
        now,
        ngettext(
            "You can post %(count)d message a minute; you are posting faster.",
            "You can post %(count)d messages a minute; you are posting faster.",
            limit,
        )
        % {"count": limit},
    )
