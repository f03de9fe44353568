"""Background work of the notifications (django-tasks; ids only)."""

from django_tasks import task


@task()
def fan_out(
    kind: str,
    verb: str,
    target: str,
    target_id: int,
    recipient_ids: list[int],
    actor_id: int | None = None,
    key: str = "",
) -> int:
    from .services import notifications_fan_out

    return notifications_fan_out(
        kind=kind,
        verb=verb,
        target=target,
        target_id=target_id,
        recipient_ids=recipient_ids,
        actor_id=actor_id,
        key=key,
    )


@task()
def reactions_notify(post_id: int) -> bool:
    from .services import post_reactions_notify

    return post_reactions_notify(post_id=post_id)
