"""Notification emails of the groups and events, through the one mail path
(portal.mail: queued with the change, sent by the worker)."""

from portal.links import absolute_url
from portal.mail import mail_queue

__all__ = ["absolute_url", "email_send"]


def email_send(*, template: str, subject: str, recipients: list[str], context: dict):
    """Queue one email per recipient (nobody sees the others' addresses)."""
    mail_queue(
        template=f"working_groups/{template}",
        subject=subject,
        to=recipients,
        context=context,
    )
