"""Signals only queue follow-up work, with ids, after the transaction commits."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import WorkflowState
from wagtail.signals import (
    page_published,
    page_unpublished,
    post_page_move,
    workflow_approved,
    workflow_rejected,
)

from .models import ResourcePage


@receiver(post_page_move, sender=ResourcePage)
def resync_owning_group_on_move(sender, instance, **kwargs):
    """Moving a resource below another group (or the index) changes its owner."""
    page_id = instance.pk

    def resync():
        resource = ResourcePage.objects.get(pk=page_id)
        ResourcePage.objects.filter(pk=page_id).update(
            owning_group_id=resource.owning_group_from_tree()
        )

    transaction.on_commit(resync)


def _is_resource(workflow_state) -> bool:
    from django.contrib.contenttypes.models import ContentType

    return workflow_state.content_type_id == (
        ContentType.objects.get_for_model(ResourcePage).pk
    )


def _wagtail_notifier(name: str):
    from wagtail.admin import signal_handlers

    return getattr(signal_handlers, name)


def notify_workflow_approved(sender, instance, user=None, **kwargs):
    if not _is_resource(instance):
        return _wagtail_notifier("workflow_approval_email_notifier")(
            instance=instance, user=user, **kwargs
        )
    from .notifications import resource_outcome_notify

    state_id, user_id = instance.pk, getattr(user, "pk", None)
    transaction.on_commit(
        lambda: resource_outcome_notify(workflow_state_id=state_id, actor_id=user_id)
    )


def notify_workflow_rejected(sender, instance, user=None, **kwargs):
    if not _is_resource(instance):
        return _wagtail_notifier("workflow_rejection_email_notifier")(
            instance=instance, user=user, **kwargs
        )
    from .notifications import resource_outcome_notify

    state_id, user_id = instance.pk, getattr(user, "pk", None)
    transaction.on_commit(
        lambda: resource_outcome_notify(workflow_state_id=state_id, actor_id=user_id)
    )


# Submitters of resources are members, not admin users: they get the library's own
# email, which links to the site rather than the admin. These receivers replace
# Wagtail's approval and rejection notifiers under the same dispatch_uid (so
# wagtail.admin, whenever it is ready, does not connect its own a second time)
# and call Wagtail's for everything that is not a resource.
WORKFLOW_NOTIFIERS = [
    (
        workflow_approved,
        "workflow_state_approved_email_notification",
        notify_workflow_approved,
    ),
    (
        workflow_rejected,
        "workflow_state_rejected_email_notification",
        notify_workflow_rejected,
    ),
]
for _signal, _uid, _handler in WORKFLOW_NOTIFIERS:
    _signal.disconnect(sender=WorkflowState, dispatch_uid=_uid)
    _signal.connect(_handler, sender=WorkflowState, dispatch_uid=_uid, weak=False)


@receiver(post_save, sender=ResourcePage)
@receiver(page_published, sender=ResourcePage)
@receiver(page_unpublished, sender=ResourcePage)
@receiver(post_page_move, sender=ResourcePage)
@receiver(post_delete, sender=ResourcePage)
def purge_library_counts(sender, **kwargs):
    """The library's cached counts and the kept related lists (search) are
    stale once a resource changes: purged now and again on commit (a request
    in between may have kept old ones)."""
    from search.selectors import related_content_purge

    from .selectors import library_counts_purge

    library_counts_purge()
    related_content_purge()
    transaction.on_commit(library_counts_purge)
    transaction.on_commit(related_content_purge)
