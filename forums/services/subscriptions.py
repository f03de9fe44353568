"""Read positions, following threads and forums, and delivery preferences."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import (
    NotificationPreference,
    Subscription,
    Thread,
    ThreadReadState,
)
from .common import _deny


def thread_mark_read(*, user, thread: Thread, position: int) -> None:
    """Remember ``user`` has read up to ``position`` (never moves backwards).

    One upsert statement, so opening a thread page costs the same every time.
    """
    if not getattr(user, "is_authenticated", False) or position < 1:
        return
    table = ThreadReadState._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (user_id, thread_id, last_read_position, updated_at)
            VALUES (%s, %s, %s, %s)
            ON CONFLICT (user_id, thread_id) DO UPDATE
            SET last_read_position = GREATEST(
                    {table}.last_read_position, EXCLUDED.last_read_position),
                updated_at = EXCLUDED.updated_at
            """,
            [user.pk, thread.pk, position, timezone.now()],
        )


@transaction.atomic
def subscription_create(*, user, thread: Thread | None = None, forum=None):
    if thread is not None:
        _deny(
            permissions.can_view_thread(user, thread) and user.is_authenticated,
            _("You cannot follow this discussion."),
        )
        subscription, _created = Subscription.objects.get_or_create(
            user=user, thread=thread
        )
    else:
        _deny(
            permissions.can_subscribe_to_forum(user, forum),
            _("You cannot follow this forum."),
        )
        subscription, _created = Subscription.objects.get_or_create(
            user=user, forum=forum
        )
    return subscription


@transaction.atomic
def subscription_delete(*, user, subscription: Subscription) -> None:
    _deny(
        subscription.user_id == user.pk, _("That subscription belongs to someone else.")
    )
    subscription.delete()


@transaction.atomic
def preference_update(*, user, delivery: str) -> NotificationPreference:
    if delivery not in NotificationPreference.Delivery.values:
        raise ValidationError({"delivery": _("Choose how to receive emails.")})
    # One source of truth: the notification preferences (issue 15).
    from notifications.services import forum_email_delivery_update

    forum_email_delivery_update(user=user, delivery=delivery)
    return NotificationPreference.objects.get(user=user)
