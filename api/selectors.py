"""Reads of the API app: tokens, and the querysets behind each endpoint, always
built from the owning app's selectors so the API shows what the site shows."""

from django.db.models import QuerySet
from wagtail.models import APIToken

from forums.models import Thread
from forums.selectors import readable_forums_q
from working_groups.models import EventPage
from working_groups.selectors import event_visibility_q


def api_token_list(*, user) -> QuerySet[APIToken]:
    """The user's personal tokens (Wagtail's APIToken), newest first."""
    return APIToken.objects.filter(user=user).order_by("-created", "-pk")


def api_token_for_key(*, key: str) -> APIToken | None:
    """The active token with this key, its user loaded; None otherwise."""
    if not APIToken.validate_token_format(key):
        return None
    return (
        APIToken.objects.select_related("user")
        .filter(
            key_hash__in=APIToken.candidate_key_hashes(key), revoked_at__isnull=True
        )
        .first()
    )


def event_queryset_visible(*, user) -> QuerySet[EventPage]:
    """Every live event ``user`` may see, past and upcoming (one event by slug)."""
    return (
        EventPage.objects.live()
        .public()
        .filter(event_visibility_q(user=user))
        .select_related("group")
    )


def thread_queryset_readable(*, user) -> QuerySet[Thread]:
    """Threads of the forums ``user`` may read, not deleted nor hidden, latest
    activity first."""
    return (
        Thread.objects.filter(deleted_at__isnull=True, is_hidden=False)
        .filter(readable_forums_q(user=user, prefix="forum__"))
        .select_related("forum__group", "author__profile")
        .order_by("-last_post_at", "-pk")
    )
