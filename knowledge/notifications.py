"""Emails of the library: a submitter learns what the moderators decided."""

import logging

from django.contrib.auth import get_user_model
from wagtail.models import WorkflowState

from notifications.models import Kind
from notifications.preferences import email_wanted
from notifications.services import fan_out_after_commit
from portal.links import absolute_url
from portal.mail import mail_queue

from .models import ResourcePage

logger = logging.getLogger(__name__)


def resource_outcome_notify(*, workflow_state_id: int, actor_id: int | None = None):
    """Email the submitter that their resource was published, or what the
    moderator asked them to change."""
    state = (
        WorkflowState.objects.select_related("requested_by", "current_task_state")
        .filter(pk=workflow_state_id)
        .first()
    )
    if state is None:
        return
    resource = ResourcePage.objects.filter(pk=int(state.object_id)).first()
    if resource is None:
        return
    recipient = state.requested_by or resource.owner
    if recipient is None or not recipient.is_active or recipient.pk == actor_id:
        return
    approved = state.status == WorkflowState.STATUS_APPROVED
    fan_out_after_commit(
        kind=Kind.SUBMISSION,
        verb="submission_approved" if approved else "submission_rejected",
        target="knowledge.submission",
        target_id=resource.pk,
        recipient_ids=[recipient.pk],
        actor_id=actor_id,
        key=f"submission:{state.pk}:{state.current_task_state_id}",
    )
    if not email_wanted(recipient, Kind.SUBMISSION):
        return
    task_state = state.current_task_state
    moderator = None
    if task_state is not None and task_state.finished_by_id:
        moderator = (
            get_user_model().objects.filter(pk=task_state.finished_by_id).first()
        )
    parts = resource.get_url_parts()
    context = {
        "recipient": recipient,
        "resource": resource,
        "approved": approved,
        "comment": task_state.comment if task_state is not None else "",
        "moderator": moderator,
        "resource_url": absolute_url(parts[2]) if parts and parts[2] else "",
        "submissions_url": absolute_url("/knowledge/my-submissions/"),
    }
    template = "approved" if approved else "rejected"
    mail_queue(
        template=f"knowledge/resource_{template}",
        to=recipient.email,
        context=context,
    )
