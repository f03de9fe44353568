"""Reads about working groups and memberships, always scoped to a user."""

from django.db.models import QuerySet

from .models import Membership, Visibility, WorkingGroupPage


def group_ids_for_user(*, user) -> set[int]:
    """Ids of the groups whose private content ``user`` may read."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache_name = "_active_group_ids"
    if not hasattr(user, cache_name):
        ids = set(
            Membership.objects.filter(
                user=user, status=Membership.Status.ACTIVE
            ).values_list("group_id", flat=True)
        )
        setattr(user, cache_name, ids)
    return getattr(user, cache_name)


def moderated_group_ids_for_user(*, user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(
            user=user,
            status=Membership.Status.ACTIVE,
            role=Membership.Role.MODERATOR,
        ).values_list("group_id", flat=True)
    )


def group_list(*, user) -> QuerySet[WorkingGroupPage]:
    """Live groups the user may see, public ones plus private groups they belong to."""
    groups = WorkingGroupPage.objects.live().order_by("path")
    if getattr(user, "is_staff", False):
        return groups
    from django.db.models import Q

    return groups.filter(
        Q(visibility=Visibility.PUBLIC) | Q(pk__in=group_ids_for_user(user=user))
    )


def event_list_upcoming(*, user, limit: int = 4) -> list:
    """Upcoming events the user may see (implemented with events)."""
    return []
