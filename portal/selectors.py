"""Reads for the home page: each app answers for its own content."""

from django.contrib.auth.models import AnonymousUser


def home_sections(*, user: AnonymousUser) -> dict:
    from forums.selectors import thread_list_recent
    from knowledge.selectors import resource_list_latest
    from working_groups.selectors import event_list_upcoming, group_list_for_cards

    return {
        "working_groups": group_list_for_cards(user=user),
        "latest_resources": resource_list_latest(user=user, limit=6),
        "upcoming_events": event_list_upcoming(user=user, limit=4),
        "recent_threads": thread_list_recent(user=user, limit=5),
        "hero": home_hero(),
    }


# The numbers change slowly: counted at most once every few minutes.
HERO_NUMBERS_CACHE_SECONDS = 300


def home_hero() -> dict:
    """The visitor home's hero: the community in numbers, a lesson learned and
    the next event, all public (the same for everyone, so cacheable)."""
    from django.core.cache import cache

    from knowledge.selectors import (
        country_count_public,
        lesson_featured_public,
        lesson_public_get,
        resource_count_public,
    )
    from working_groups.selectors import (
        event_count_public,
        event_next_public,
        member_count_public,
    )

    def numbers():
        lesson = lesson_featured_public()
        return {
            "members": member_count_public(),
            "resources": resource_count_public(),
            "countries": country_count_public(),
            "events": event_count_public(),
            # Which lesson to show is kept with the numbers (finding it sorts
            # every public lesson); the lesson itself is read fresh below.
            "lesson_id": lesson.pk if lesson is not None else None,
        }

    numbers = dict(
        cache.get_or_set("home_hero_numbers", numbers, HERO_NUMBERS_CACHE_SECONDS)
    )
    if "lesson_id" in numbers:
        lesson_id = numbers.pop("lesson_id")
        # Still live, public and a lesson (else chosen again, uncached).
        lesson = lesson_public_get(pk=lesson_id) if lesson_id else None
        if lesson_id and lesson is None:
            lesson = lesson_featured_public()
    else:
        lesson = lesson_featured_public()
    return {
        "numbers": numbers,
        "lesson": lesson,
        "next_event": event_next_public(),
    }


def profile_get(*, user) -> "UserProfile":  # noqa: F821
    from .models import UserProfile

    profile, _created = UserProfile.objects.get_or_create(user=user)
    return profile
