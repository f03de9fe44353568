"""Reads for the home page: each app answers for its own content."""

from django.contrib.auth.models import AnonymousUser


def home_sections(*, user: AnonymousUser) -> dict:
    from forums.selectors import thread_list_recent
    from knowledge.selectors import resource_list_latest
    from working_groups.selectors import event_list_upcoming, group_list

    return {
        "working_groups": group_list(user=user),
        "latest_resources": resource_list_latest(user=user, limit=6),
        "upcoming_events": event_list_upcoming(user=user, limit=4),
        "recent_threads": thread_list_recent(user=user, limit=5),
    }


def profile_get(*, user) -> "UserProfile":  # noqa: F821
    from .models import UserProfile

    profile, _created = UserProfile.objects.get_or_create(user=user)
    return profile
