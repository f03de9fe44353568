"""Background work of the groups (django-tasks; the worker runs them)."""

from django_tasks import task


@task()
def event_change_notify(event_id: int, change: str) -> None:
    """Fan-out to everyone registered: queued in the outbox in one batch."""
    from .services import event_change_notify as notify

    notify(event_id=event_id, change=change)
    event_change_notifications(event_id=event_id, change=change)


def event_change_notifications(*, event_id: int, change: str) -> int:
    """The same change in the notifications of everyone registered (who may
    still see the event: notifications checks), once per published revision."""
    from notifications.models import Kind
    from notifications.services import notifications_fan_out

    from .models import EventPage, EventRegistration

    event = EventPage.objects.filter(pk=event_id).only("latest_revision_id").first()
    if event is None:
        return 0
    verb = "event_cancelled" if change == "cancelled" else "event_updated"
    return notifications_fan_out(
        kind=Kind.EVENT,
        verb=verb,
        target="working_groups.event",
        target_id=event_id,
        recipient_ids=EventRegistration.objects.filter(
            event_id=event_id,
            status__in=[
                EventRegistration.Status.GOING,
                EventRegistration.Status.WAITLISTED,
            ],
        ).values_list("user_id", flat=True),
        key=f"{verb}:{event_id}:{event.latest_revision_id}",
    )
