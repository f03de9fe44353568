"""What waits for a moderator, across every group they moderate: join
requests, resources in review, flags, events needing attention, suspensions.
Each app answers for its own queue; this module only gathers them."""

from django.db.models import Q
from django.utils import timezone

from .permissions import _is_staff


def _moderated_forums_q(*, user, prefix: str = "") -> Q:
    """Forums ``user`` moderates: their groups' forums and the Community forum
    (every group moderator moderates it); staff moderate all
    (mirrors forums.permissions.can_moderate_forum)."""
    from working_groups.selectors import moderated_group_ids_for_user

    if _is_staff(user):
        return Q()
    moderated = moderated_group_ids_for_user(user=user)
    if not moderated:
        return Q(pk__in=[])
    return Q(**{f"{prefix}group__isnull": True}) | Q(
        **{f"{prefix}group_id__in": moderated}
    )


def _open_flags(*, user):
    from forums.models import Flag

    return Flag.objects.filter(
        status=Flag.Status.OPEN,
        post__deleted_at__isnull=True,
    ).filter(_moderated_forums_q(user=user, prefix="post__thread__forum__"))


def _active_suspensions(*, user):
    from forums.models import Suspension

    now = timezone.now()
    return (
        Suspension.objects.filter(lifted_at__isnull=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .filter(_moderated_forums_q(user=user, prefix="forum__"))
    )


def _groups_moderated(*, user):
    from working_groups.models import WorkingGroupPage
    from working_groups.selectors import moderated_group_ids_for_user

    groups = WorkingGroupPage.objects.all()
    if not _is_staff(user):
        groups = groups.filter(pk__in=moderated_group_ids_for_user(user=user))
    return list(groups.order_by("title"))


def inbox_counts(*, user) -> dict[str, int]:
    """The numbers of the header and the home page (a few COUNT queries)."""
    from knowledge.selectors import resource_list_pending_for_user
    from working_groups.selectors import join_request_list_for_moderator

    counts = {
        "join_requests": join_request_list_for_moderator(user=user).count(),
        "resources": resource_list_pending_for_user(user=user).count(),
        "flags": _open_flags(user=user).count(),
    }
    counts["total"] = sum(counts.values())
    return counts


def inbox_sections(*, user) -> dict:
    """Everything the inbox page shows."""
    from knowledge.selectors import resource_list_pending_for_user
    from working_groups.selectors import (
        event_list_needing_attention_for_groups,
        join_request_list_for_moderator,
    )

    groups = _groups_moderated(user=user)
    # One read for every group's events, so the page costs the same number of
    # queries for a moderator of one group or of all of them.
    events = event_list_needing_attention_for_groups(
        group_ids=[group.pk for group in groups]
    )
    return {
        "groups": groups,
        "join_requests": list(join_request_list_for_moderator(user=user)),
        "pending_resources": list(resource_list_pending_for_user(user=user)),
        "open_flags": list(
            _open_flags(user=user)
            .select_related(
                "post__thread__forum", "post__author__profile", "reporter__profile"
            )
            .order_by("-created_at")
        ),
        "events_needing_attention": events,
        "suspensions": list(
            _active_suspensions(user=user)
            .select_related("forum", "user__profile", "suspended_by__profile")
            .order_by("-created_at")
        ),
    }
