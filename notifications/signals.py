"""Signals only queue notifications, once the transaction commits."""


def review_requested(sender, instance, user=None, **kwargs):
    """A resource of a working group entered a moderation task (submitted, or
    sent back after changes): its group's moderators hear about it."""
    from knowledge.models import ResourcePage

    from .models import Kind
    from .services import moderators_fan_out_after_commit

    workflow_state = instance.workflow_state
    page = workflow_state.content_object
    resource = getattr(page, "specific", page)
    if not isinstance(resource, ResourcePage) or resource.owning_group_id is None:
        return
    moderators_fan_out_after_commit(
        group_id=resource.owning_group_id,
        kind=Kind.REVIEW,
        verb="review_submitted",
        target="knowledge.review",
        target_id=resource.pk,
        actor_id=getattr(user, "pk", None),
        key=f"review:{instance.pk}",
    )


def connect() -> None:
    from wagtail.signals import task_submitted

    task_submitted.connect(
        review_requested, weak=False, dispatch_uid="notifications-review"
    )
