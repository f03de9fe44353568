"""The audit log, notices and locking shared by membership and invitation writes."""

from django.urls import reverse
from django.utils import timezone

from ..emails import absolute_url, email_send
from ..models import (
    Membership,
    MembershipAuditEntry,
    WorkingGroupPage,
)
from ..selectors import user_group_cache_clear


class MembershipError(Exception):
    """A request that cannot be honoured; the message is shown to the person."""


def _audit(
    *,
    group: WorkingGroupPage,
    action: str,
    actor=None,
    membership: Membership | None = None,
    user=None,
    email: str = "",
    from_status: str = "",
    to_status: str = "",
    message: str = "",
) -> MembershipAuditEntry:
    if membership is not None:
        user = user or membership.user
    return MembershipAuditEntry.objects.create(
        group=group,
        membership=membership,
        user=user,
        email=email,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        role=membership.role if membership is not None else "",
        message=message,
    )


def _moderator_emails(group: WorkingGroupPage, *, exclude=None) -> list[str]:
    """The group's active moderators; administrators when it has none yet."""
    from django.contrib.auth import get_user_model

    emails = list(
        Membership.objects.filter(
            group=group,
            status=Membership.Status.ACTIVE,
            role=Membership.Role.MODERATOR,
        )
        .exclude(user=exclude)
        .values_list("user__email", flat=True)
    )
    if (
        not emails
        and not Membership.objects.filter(
            group=group, status=Membership.Status.ACTIVE, role=Membership.Role.MODERATOR
        ).exists()
    ):
        emails = list(
            get_user_model()
            .objects.filter(is_superuser=True, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    return emails


def _name(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return profile.name if profile is not None else ""


def _group_context(group: WorkingGroupPage) -> dict:
    return {
        "group": group,
        "group_name": group.title,
        "group_url": absolute_url(group.get_url() or ""),
        "moderation_url": absolute_url(
            reverse("working_groups:moderation", args=[group.slug])
        ),
    }


def _notify_person(
    *, template: str, subject: str, user, context: dict, kind: str | None = None
):
    """Email ``user``; for a ``kind`` of notification, only if they want it by
    email at once (notifications.preferences)."""
    if kind is not None:
        from notifications.preferences import email_wanted

        if not email_wanted(user, kind):
            return
    email_send(
        template=template,
        subject=subject,
        recipients=[user.email],
        context={"person_name": _name(user), **context},
    )


def _notify_moderators(
    *,
    group: WorkingGroupPage,
    summary: str,
    exclude=None,
    message: str = "",
    kind: str | None = None,
):
    """Email the group's moderators; for a ``kind`` of notification, only
    those who want it by email at once (notifications.preferences)."""
    recipients = _moderator_emails(group, exclude=exclude)
    if kind is not None:
        from django.contrib.auth import get_user_model

        from notifications.preferences import email_recipients

        users = get_user_model().objects.filter(email__in=recipients)
        recipients = [user.email for user in email_recipients(users, kind)]
    email_send(
        template="moderators_notice",
        subject=summary,
        recipients=recipients,
        context={**_group_context(group), "summary": summary, "message": message},
    )


def _lock(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("group", "user")
        .get(pk=membership.pk)
    )


def _set_status(
    membership: Membership, status: str, *, decided_by=None, message: str = ""
):
    membership.status = status
    membership.decided_by = decided_by
    membership.decided_at = timezone.now()
    membership.decision_message = message
    membership.save()
    user_group_cache_clear(membership.user)
