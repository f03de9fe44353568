"""Background work of the groups (django-tasks; the worker runs them)."""

from django_tasks import task


@task()
def event_change_notify(event_id: int, change: str) -> None:
    """Fan-out to everyone registered: queued in the outbox in one batch."""
    from .services import event_change_notify as notify

    notify(event_id=event_id, change=change)
