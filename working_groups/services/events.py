"""Event registration (RSVP and waiting list), change notices and curation."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from languages.mail import lazy_percent
from portal.visibility import recipients_who_can_see

from ..emails import absolute_url, email_send
from ..models import (
    EventPage,
    EventRegistration,
)
from .common import _notify_person


class EventError(Exception):
    """An event action that cannot be done now; the message is shown to the person."""


def _event_context(event: EventPage) -> dict:
    return {
        "event": event,
        "event_url": absolute_url(event.get_url() or ""),
        "ics_url": absolute_url(reverse("working_groups:event_ics", args=[event.slug])),
    }


def _lock_event(event: EventPage) -> EventPage:
    return EventPage.objects.select_for_update().get(pk=event.pk)


def _promote_from_waitlist(event: EventPage) -> list[EventRegistration]:
    """Fill free places from the waiting list, first come first served. The
    caller holds the event's lock."""
    waiting = EventRegistration.objects.filter(
        event=event, status=EventRegistration.Status.WAITLISTED
    ).order_by("status_changed_at", "pk")
    if event.capacity is None:
        promoted = list(waiting.select_related("user"))
    else:
        going = EventRegistration.objects.filter(
            event=event, status=EventRegistration.Status.GOING
        ).count()
        free = max(event.capacity - going, 0)
        promoted = list(waiting.select_related("user")[:free])
    now = timezone.now()
    may_see = {
        user.pk for user in recipients_who_can_see([r.user for r in promoted], event)
    }
    from notifications.models import Kind
    from notifications.preferences import email_recipients
    from notifications.services import fan_out_after_commit

    fan_out_after_commit(
        kind=Kind.WAITLIST,
        verb="waitlist_promoted",
        target="working_groups.event",
        target_id=event.pk,
        recipient_ids=may_see,
        key=f"waitlist_promoted:{event.pk}:{now.isoformat()}",
    )
    emailed = {
        user.pk
        for user in email_recipients(
            [r.user for r in promoted if r.user_id in may_see], Kind.WAITLIST
        )
    }
    for registration in promoted:
        registration.status = EventRegistration.Status.GOING
        registration.status_changed_at = now
        registration.save(update_fields=["status", "status_changed_at", "updated_at"])
        if registration.user_id not in emailed:
            continue
        _notify_person(
            template="event_promoted",
            subject=lazy_percent(
                gettext_lazy("A place opened up: %(event)s"), event=event.title
            ),
            user=registration.user,
            context=_event_context(event),
        )
    return promoted


@transaction.atomic
def event_rsvp(*, event: EventPage, user, going: bool) -> EventRegistration:
    """Answer going or not going. Beyond capacity, going means the waiting list;
    when someone who was going cancels, the waiting list moves up."""
    from ..permissions import can_rsvp_event

    if not can_rsvp_event(user, event):
        raise PermissionDenied
    event = _lock_event(event)
    registration = (
        EventRegistration.objects.select_for_update()
        .filter(event=event, user=user)
        .first()
    )
    now = timezone.now()
    active = (EventRegistration.Status.GOING, EventRegistration.Status.WAITLISTED)
    if going:
        if registration is not None and registration.status in active:
            return registration
        taken = EventRegistration.objects.filter(
            event=event, status=EventRegistration.Status.GOING
        ).count()
        status = (
            EventRegistration.Status.GOING
            if event.capacity is None or taken < event.capacity
            else EventRegistration.Status.WAITLISTED
        )
    else:
        if (
            registration is not None
            and registration.status == EventRegistration.Status.NOT_GOING
        ):
            return registration
        status = EventRegistration.Status.NOT_GOING
    was_going = (
        registration is not None
        and registration.status == EventRegistration.Status.GOING
    )
    if registration is None:
        registration = EventRegistration(event=event, user=user)
    registration.status = status
    registration.status_changed_at = now
    registration.save()
    if was_going:
        _promote_from_waitlist(event)
    template = {
        EventRegistration.Status.GOING: "event_going",
        EventRegistration.Status.WAITLISTED: "event_waitlisted",
        EventRegistration.Status.NOT_GOING: "event_not_going",
    }[status]
    _notify_person(
        template=template,
        subject=lazy_percent(
            gettext_lazy("%(event)s: %(status)s"),
            event=event.title,
            status=EventRegistration.Status(registration.status).label,
        ),
        user=user,
        context=_event_context(event),
    )
    return registration


@transaction.atomic
def event_waitlist_refresh(*, event_id: int) -> list[EventRegistration]:
    """After an editor raises the capacity, let the waiting list in."""
    event = EventPage.objects.select_for_update().filter(pk=event_id).first()
    if event is None or event.cancelled or not event.live or event.is_past:
        return []
    return _promote_from_waitlist(event)


def event_change_notify(*, event_id: int, change: str) -> None:
    """Tell everyone registered that a published event moved or was cancelled."""
    event = EventPage.objects.filter(pk=event_id).first()
    if event is None:
        return
    registrations = EventRegistration.objects.filter(
        event=event,
        status__in=[
            EventRegistration.Status.GOING,
            EventRegistration.Status.WAITLISTED,
        ],
    ).select_related("user")
    if change == "cancelled":
        template = "event_cancelled"
        subject = lazy_percent(gettext_lazy("Cancelled: %(event)s"), event=event.title)
    else:
        template = "event_updated"
        subject = lazy_percent(gettext_lazy("Updated: %(event)s"), event=event.title)
    # Registered is not enough: someone who has left the group since must not
    # receive a members-only event's new details.
    recipients = recipients_who_can_see(
        [registration.user for registration in registrations], event
    )
    from notifications.models import Kind
    from notifications.preferences import email_recipients

    recipients = email_recipients(recipients, Kind.EVENT)
    email_send(
        template=template,
        subject=subject,
        recipients=[user.email for user in recipients],
        context=_event_context(event),
    )


@transaction.atomic
def event_feature_set(*, event: EventPage, user, featured: bool) -> EventPage:
    """Feature (curate) or unfeature an event: a new published revision, so the
    page history shows who did it."""
    from ..permissions import can_feature_event

    if not can_feature_event(user, event):
        raise PermissionDenied
    event = EventPage.objects.get(pk=event.pk)
    if event.has_unpublished_changes:
        raise EventError(
            _(
                "This event has unpublished changes: feature it from the admin, "
                "where those changes can be reviewed too."
            )
        )
    if event.featured == featured:
        return event
    event.featured = featured
    revision = event.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    return event
