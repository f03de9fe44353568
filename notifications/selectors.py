"""Reads of the notifications. What a member may no longer see is left out
by one rule, in SQL: the subject of each notification must be among what its
app says the member may see (targets.Target.visible, the SQL form of the
rule portal.visibility asks), and the working group it is restricted to must
still count them in. The header's count, the page, the personal home and the
digest all read through :func:`visible_q`, so they always agree; the count
is one query for the kinds of subject among the unread (none: 0, done) and
one with the rules of those kinds only."""

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Notification
from .targets import TARGETS
from .texts import notification_text

PAGE_SIZE = 20


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_active", False))


def _group_q(*, user) -> Q:
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


def _subject_q(*, user, targets=None) -> Q:
    """Notifications whose subject ``user`` may still see: for each kind of
    subject with a rule, its id among the visible ones (an EXISTS each);
    personal subjects (their own request, submission, saved search) always.
    With ``targets`` (subject kinds), only notifications about those kinds,
    and only their rules are built (compiling all of them costs ~20 ms)."""
    from working_groups.selectors import group_ids_prime

    # The rules read the member's groups and moderated groups: one query for
    # both, shared with everything else the request asks about them.
    group_ids_prime([user])
    checked = [label for label, spec in TARGETS.items() if spec.visible is not None]
    q = ~Q(target__in=checked) | Q(target_id__isnull=True)
    for label in checked:
        if targets is not None and label not in targets:
            continue
        # Correlated on the subject's primary key: a few index lookups for
        # the member's own notifications, never a pass over every subject.
        visible = TARGETS[label].visible(user).filter(pk=OuterRef("target_id"))
        q |= Q(target=label) & Exists(visible.order_by().values("pk"))
    if targets is not None:
        q = Q(target__in=list(targets)) & q
    return q


def visible_q(*, user, targets=None) -> Q:
    """The one rule: the notifications ``user`` may still read (with
    ``targets``, those about these subject kinds only)."""
    return _group_q(user=user) & _subject_q(user=user, targets=targets)


def notifications_for(*, user, targets=None):
    """``user``'s notifications they may still read (with ``targets``, those
    about these subject kinds only: see :func:`visible_q`)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return (
        Notification.objects.filter(recipient_id=user.pk)
        .filter(visible_q(user=user, targets=targets))
        .select_related("actor__profile")
    )


def unread_notifications(*, user, limit: int) -> list[Notification]:
    """The newest ``limit`` unread notifications ``user`` may read, with their
    texts (nothing built or read past the kinds query when none is unread)."""
    targets = unread_targets(user=user)
    if not targets:
        return []
    return with_texts(
        notifications_for(user=user, targets=targets).filter(read_at__isnull=True)[
            :limit
        ]
    )


def unread_targets(*, user) -> list[str]:
    """The subject kinds among ``user``'s unread notifications, in one cheap
    query on the unread index, remembered for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    if not hasattr(user, "_notifications_unread_targets"):
        user._notifications_unread_targets = list(
            Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
            .order_by()
            .values_list("target", flat=True)
            .distinct()
        )
    return user._notifications_unread_targets


def unread_count(*, user) -> int:
    """The header's count: exactly what the page lists as unread, remembered
    for the request. The kinds of subject among the unread come first (one
    query): none, and the count is 0 with nothing more; else the count is one
    query with the rules of those kinds only."""
    if not getattr(user, "is_authenticated", False):
        return 0
    if not hasattr(user, "_notifications_unread"):
        targets = unread_targets(user=user)
        user._notifications_unread = (
            Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
            .filter(visible_q(user=user, targets=targets))
            .count()
            if targets
            else 0
        )
    return user._notifications_unread


def with_texts(notifications) -> list[Notification]:
    """Each notification with its ``text`` in the active language (the actor's
    profile comes with notifications_for: no query)."""
    items = list(notifications)
    for item in items:
        actor = item.actor
        profile = getattr(actor, "profile", None) if actor is not None else None
        item.text = notification_text(
            verb=item.verb,
            actor_name=profile.name if profile is not None else "",
            title=item.title,
            count=item.count,
        )
    return items


def visible_notifications(*, user, notifications) -> list[Notification]:
    """Those of ``notifications`` that ``user`` may still read (the rule of
    :func:`notifications_for`, one query), each with its ``text``."""
    notifications = list(notifications)
    if not notifications:
        return []
    allowed = set(
        notifications_for(user=user)
        .filter(pk__in=[item.pk for item in notifications])
        .values_list("pk", flat=True)
    )
    return with_texts(item for item in notifications if item.pk in allowed)


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
    items = with_texts(page_obj.object_list)
    today = timezone.localdate()
    groups = []
    for item in items:
        day = timezone.localdate(item.created_at)
        if not groups or groups[-1][0] != day:
            groups.append((day, _day_label(day, today), []))
        groups[-1][2].append(item)
    return page_obj, groups


def group_moderator_ids(*, group_id: int | None) -> list[int]:
    """Who hears about a group's moderation work: its active moderators, or
    (for the Community forum, ``None``, or a group without any yet) the active
    administrators."""
    from django.contrib.auth import get_user_model

    from working_groups.models import Membership

    ids = []
    if group_id is not None:
        ids = list(
            Membership.objects.filter(
                group_id=group_id,
                status=Membership.Status.ACTIVE,
                role=Membership.Role.MODERATOR,
                user__is_active=True,
            ).values_list("user_id", flat=True)
        )
    if not ids:
        ids = list(
            get_user_model()
            .objects.filter(is_superuser=True, is_active=True)
            .values_list("pk", flat=True)
        )
    return ids
