"""Invitations by moderators: invite, accept, decline."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from languages.mail import lazy_percent

from ..emails import absolute_url, email_send
from ..models import (
    Membership,
    MembershipAuditEntry,
    MembershipInvitation,
    WorkingGroupPage,
)
from .common import (
    MembershipError,
    _audit,
    _group_context,
    _name,
    _notify_moderators,
    _notify_person,
    _set_status,
)


@transaction.atomic
def membership_invite(
    *, group: WorkingGroupPage, email: str, actor, message: str = ""
) -> MembershipInvitation:
    """Invite someone by email. Inviting the same address again re-sends the one
    open invitation."""
    from allauth.account.models import EmailAddress

    from ..permissions import can_invite_to_group

    if not can_invite_to_group(actor, group):
        raise PermissionDenied
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise MembershipError(_("Enter a valid email address.")) from error
    invitee = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .select_related("user")
        .first()
    )
    if (
        invitee is not None
        and Membership.objects.filter(
            user=invitee.user, group=group, status=Membership.Status.ACTIVE
        ).exists()
    ):
        raise MembershipError(
            _("%(email)s is already a member of this group.") % {"email": email}
        )
    message = message.strip()
    invitation = (
        MembershipInvitation.objects.select_for_update(of=("self",))
        .filter(group=group, email=email, status=MembershipInvitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        invitation = MembershipInvitation.objects.create(
            group=group, email=email, invited_by=actor, message=message
        )
    else:
        invitation.invited_by = actor
        invitation.message = message
        invitation.expires_at = MembershipInvitation._meta.get_field(
            "expires_at"
        ).get_default()
        invitation.save()
    _audit(
        group=group,
        action=MembershipAuditEntry.Action.INVITED,
        actor=actor,
        user=invitee.user if invitee is not None else None,
        email=email,
        message=message,
    )
    if invitee is not None:
        from notifications.services import fan_out_after_commit

        fan_out_after_commit(
            kind="invitation",
            verb="invitation",
            target="working_groups.invitation",
            target_id=invitation.pk,
            recipient_ids=[invitee.user_id],
            actor_id=getattr(actor, "pk", None),
            key=f"invitation:{invitation.pk}:{invitation.expires_at.isoformat()}",
        )
    invitation_url = absolute_url(
        reverse("working_groups:invitation", args=[invitation.token])
    )
    email_send(
        template="invitation",
        subject=lazy_percent(
            gettext_lazy("An invitation to join %(group)s"), group=group.title
        ),
        recipients=[email],
        context={
            **_group_context(group),
            "inviter_name": _name(actor),
            "message": message,
            "invitation_url": invitation_url,
            "expires_at": invitation.expires_at,
        },
    )
    _notify_moderators(
        group=group,
        summary=lazy_percent(
            gettext_lazy("%(moderator)s invited %(email)s to %(group)s"),
            moderator=_name(actor),
            email=email,
            group=group.title,
        ),
        exclude=actor,
        message=message,
    )
    return invitation


def _lock_invitation(invitation: MembershipInvitation) -> MembershipInvitation:
    return (
        MembershipInvitation.objects.select_for_update(of=("self",))
        .select_related("group", "invited_by")
        .get(pk=invitation.pk)
    )


@transaction.atomic
def membership_invitation_accept(
    *, invitation: MembershipInvitation, user
) -> Membership:
    from ..permissions import can_answer_invitation

    invitation = _lock_invitation(invitation)
    group = invitation.group
    if not invitation.is_open:
        raise MembershipError(_("This invitation has expired or was already answered."))
    if not can_answer_invitation(user, invitation):
        raise PermissionDenied
    membership = (
        Membership.objects.select_for_update().filter(user=user, group=group).first()
    )
    from_status = membership.status if membership is not None else ""
    if membership is None:
        membership = Membership(user=user, group=group)
    if membership.status != Membership.Status.ACTIVE or membership.pk is None:
        membership.role = Membership.Role.MEMBER
        _set_status(
            membership,
            Membership.Status.ACTIVE,
            decided_by=invitation.invited_by,
            message=invitation.message,
        )
    invitation.status = MembershipInvitation.Status.ACCEPTED
    invitation.accepted_by = user
    invitation.responded_at = timezone.now()
    invitation.save()
    _audit(
        group=group,
        membership=membership,
        action=MembershipAuditEntry.Action.INVITATION_ACCEPTED,
        actor=user,
        email=invitation.email,
        from_status=from_status,
        to_status=Membership.Status.ACTIVE,
    )
    _notify_person(
        template="member_welcome",
        subject=lazy_percent(gettext_lazy("Welcome to %(group)s"), group=group.title),
        user=user,
        context=_group_context(group),
    )
    _notify_moderators(
        group=group,
        summary=lazy_percent(
            gettext_lazy("%(name)s accepted the invitation to %(group)s"),
            name=_name(user),
            group=group.title,
        ),
    )
    return membership


@transaction.atomic
def membership_invitation_decline(
    *, invitation: MembershipInvitation, user
) -> MembershipInvitation:
    from ..permissions import can_answer_invitation

    invitation = _lock_invitation(invitation)
    if not invitation.is_open:
        raise MembershipError(_("This invitation has expired or was already answered."))
    if not can_answer_invitation(user, invitation):
        raise PermissionDenied
    invitation.status = MembershipInvitation.Status.DECLINED
    invitation.accepted_by = user
    invitation.responded_at = timezone.now()
    invitation.save()
    _audit(
        group=invitation.group,
        action=MembershipAuditEntry.Action.INVITATION_DECLINED,
        actor=user,
        user=user,
        email=invitation.email,
    )
    _notify_person(
        template="invitation_declined",
        subject=lazy_percent(
            gettext_lazy("You declined the invitation to %(group)s"),
            group=invitation.group.title,
        ),
        user=user,
        context=_group_context(invitation.group),
    )
    _notify_moderators(
        group=invitation.group,
        summary=lazy_percent(
            gettext_lazy("%(name)s declined the invitation to %(group)s"),
            name=_name(user),
            group=invitation.group.title,
        ),
    )
    return invitation
