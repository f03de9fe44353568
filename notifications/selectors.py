"""Reads of the notifications. What a member may no longer see is left out at
read time: the working group a notification is restricted to is checked in
SQL (the header's count is one query), and the subjects of a page of
notifications are loaded in bulk and asked the one visibility rule."""

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import visibility

from .models import Notification
from .targets import TARGETS, targets_load
from .texts import notification_text

PAGE_SIZE = 20


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_active", False))


def visible_q(*, user) -> Q:
    """Notifications restricted to a group the user is no longer an active
    member of are left out (staff see every group)."""
    from working_groups.models import Membership

    if _is_staff(user):
        return Q()
    return Q(group__isnull=True) | Q(
        group_id__in=Membership.objects.filter(
            user_id=user.pk, status=Membership.Status.ACTIVE
        ).values("group_id")
    )


def notifications_for(*, user):
    return (
        Notification.objects.filter(recipient_id=user.pk)
        .filter(visible_q(user=user))
        .select_related("actor__profile")
    )


def unread_count(*, user) -> int:
    """The header's count: one query, remembered for the request."""
    if not getattr(user, "is_authenticated", False):
        return 0
    if not hasattr(user, "_notifications_unread"):
        user._notifications_unread = (
            Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
            .filter(visible_q(user=user))
            .count()
        )
    return user._notifications_unread


def visible_notifications(*, user, notifications) -> list[Notification]:
    """``notifications`` whose subject ``user`` may still see, each with its
    ``text`` in the active language. One query per kind of subject."""
    notifications = list(notifications)
    wanted = defaultdict(set)
    for item in notifications:
        spec = TARGETS.get(item.target)
        if spec is not None and not spec.personal and item.target_id:
            wanted[item.target].add(item.target_id)
    subjects = {label: targets_load(label, ids) for label, ids in wanted.items()}
    shown = []
    for item in notifications:
        if item.target in subjects:
            subject = subjects[item.target].get(item.target_id)
            if subject is None or not visibility.can_see(user, subject):
                continue
        actor = item.actor
        profile = getattr(actor, "profile", None) if actor is not None else None
        item.text = notification_text(
            verb=item.verb,
            actor_name=profile.name if profile is not None else "",
            title=item.title,
        )
        shown.append(item)
    return shown


def _day_label(day, today) -> str:
    if day == today:
        return _("Today")
    if (today - day).days == 1:
        return _("Yesterday")
    return ""


def notification_page(*, user, page_number=1, unread_only: bool = False):
    """One page of ``user``'s notifications, newest first, grouped by day:
    ``(page_obj, [(day, label, [notification, ...]), ...])``."""
    queryset = notifications_for(user=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(page_number)
    items = visible_notifications(user=user, notifications=page_obj.object_list)
    today = timezone.localdate()
    groups = []
    for item in items:
        day = timezone.localdate(item.created_at)
        if not groups or groups[-1][0] != day:
            groups.append((day, _day_label(day, today), []))
        groups[-1][2].append(item)
    return page_obj, groups
