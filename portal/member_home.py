"""The personal home of a signed-in member: what is new for them since their
last visit. It aggregates the apps' selectors (like portal.selectors for the
visitors' home) and runs a fixed number of queries whatever the number of
groups, notifications or items."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

# How far back "new" reaches on a first visit, and how long one visit lasts
# (reloading the home within it keeps showing the same news).
FIRST_VISIT_WINDOW = timedelta(days=14)
VISIT_LENGTH = timedelta(minutes=30)
LIMIT = 5


def _since(user) -> "timezone.datetime":
    from notifications.services import home_visit_record

    visit = home_visit_record(user=user, visit_length=VISIT_LENGTH)
    return visit.previous_seen_at or (timezone.now() - FIRST_VISIT_WINDOW)


def _new_in_groups(*, user, group_ids: set[int], since) -> dict:
    from forums.models import Thread
    from forums.selectors import readable_forums_q
    from knowledge.selectors import resource_queryset_visible
    from working_groups.models import EventPage
    from working_groups.selectors import event_visibility_q

    if not group_ids:
        return {"new_resources": [], "new_events": [], "new_threads": []}
    resources = (
        resource_queryset_visible(user=user)
        .filter(Q(owning_group_id__in=group_ids) | Q(groups__in=group_ids))
        .filter(first_published_at__gt=since)
        .select_related("owning_group")
        .distinct()
        .order_by("-first_published_at")[:LIMIT]
    )
    events = (
        EventPage.objects.live()
        .filter(event_visibility_q(user=user))
        .filter(group_id__in=group_ids, first_published_at__gt=since)
        .select_related("group")
        .order_by("start")[:LIMIT]
    )
    threads = (
        Thread.objects.filter(
            forum__group_id__in=group_ids,
            last_post_at__gt=since,
            deleted_at__isnull=True,
            is_hidden=False,
        )
        .filter(readable_forums_q(user=user, prefix="forum__"))
        .select_related("forum")
        .order_by("-last_post_at")[:LIMIT]
    )
    return {
        "new_resources": list(resources),
        "new_events": list(events),
        "new_threads": list(threads),
    }


def _my_events(*, user) -> list:
    from portal import visibility
    from working_groups.models import EventRegistration

    registrations = (
        EventRegistration.objects.filter(
            user=user,
            status__in=[
                EventRegistration.Status.GOING,
                EventRegistration.Status.WAITLISTED,
            ],
            event__live=True,
            event__end__gte=timezone.now(),
        )
        .select_related("event__group")
        .order_by("event__start")[:LIMIT]
    )
    return [r for r in registrations if visibility.can_see(user, r.event)]


def _my_submissions(*, user) -> list:
    from knowledge.selectors import resource_list_submitted_by

    return list(resource_list_submitted_by(user=user)[:LIMIT])


def _my_saved_searches(*, user, since) -> list:
    from search.models import SavedSearch

    searches = list(
        SavedSearch.objects.filter(user=user).order_by("-last_alert_at", "-created_at")[
            :LIMIT
        ]
    )
    for saved in searches:
        saved.has_new = bool(saved.last_alert_at and saved.last_alert_at > since)
    return searches


def member_home_sections(*, user) -> dict:
    from inbox.permissions import can_view_inbox
    from inbox.selectors import inbox_counts
    from notifications.selectors import unread_notifications
    from working_groups.models import WorkingGroupPage
    from working_groups.selectors import group_ids_for_user

    since = _since(user)
    group_ids = group_ids_for_user(user=user)
    context = {
        "since": since,
        "my_groups": list(
            WorkingGroupPage.objects.live()
            .filter(pk__in=group_ids)
            .order_by("title")
            .only("pk", "title", "slug", "url_path", "path", "depth")
        ),
        "unread_notifications": unread_notifications(user=user, limit=LIMIT),
        "my_events": _my_events(user=user),
        "my_submissions": _my_submissions(user=user),
        "my_saved_searches": _my_saved_searches(user=user, since=since),
        "moderation_counts": (
            inbox_counts(user=user) if can_view_inbox(user) else None
        ),
    }
    context.update(_new_in_groups(user=user, group_ids=group_ids, since=since))
    return context
