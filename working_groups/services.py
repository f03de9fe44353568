"""Writes about working groups: moderation setup, the membership state machine,
invitations, event registration and curation.

Membership moves only through these functions, each of which leaves a row in
the audit log and emails both sides:

    (none) ──request──▶ pending ──approve──▶ active ──leave──▶ left
       │                   │  └──decline──▶ declined     └──remove──▶ removed
       └──request (open)──▶ active          pending ──leave (withdraw)──▶ left
    invitation ──accept──▶ active
    declined / left / removed ──request──▶ pending (or active in an open group,
                                           except after a removal)
"""

from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from languages.mail import lazy_percent
from portal.visibility import recipients_who_can_see

from .emails import absolute_url, email_send
from .models import (
    EventPage,
    EventRegistration,
    Membership,
    MembershipAuditEntry,
    MembershipInvitation,
    WorkingGroupPage,
)
from .selectors import user_group_cache_clear

# Asking (or joining) more often than this in a day is refused: every request
# emails the moderators.
REQUESTS_PER_DAY = 3

# What a group's moderators may do on the group's part of the page tree.
MODERATOR_PAGE_PERMISSIONS = ["add", "change", "publish", "lock", "unlock"]


class MembershipError(Exception):
    """A request that cannot be honoured; the message is shown to the person."""


class EventError(Exception):
    """An event action that cannot be done now; the message is shown to the person."""


# --- moderation setup -----------------------------------------------------------


@transaction.atomic
def group_moderation_setup(*, group: WorkingGroupPage) -> WorkingGroupPage:
    """Give the group a Django group for its moderators, with Wagtail page
    permissions on the group's subtree and a moderation workflow they approve.

    Idempotent: safe to call on every save of the group page.
    """
    moderators = group.moderators_group
    if moderators is None:
        name = _("Moderators: %(group)s") % {"group": group.short_name or group.title}
        moderators, _created = Group.objects.get_or_create(name=name[:150])
        WorkingGroupPage.objects.filter(pk=group.pk).update(moderators_group=moderators)
        group.moderators_group = moderators
    moderators.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    for permission_type in MODERATOR_PAGE_PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=f"{permission_type}_page"
        )
        GroupPagePermission.objects.get_or_create(
            group=moderators, page=group, permission=permission
        )
    workflow_name = _("Moderation: %(group)s") % {
        "group": group.short_name or group.title
    }
    if not WorkflowPage.objects.filter(page=group).exists():
        workflow, _created = Workflow.objects.get_or_create(name=workflow_name[:255])
        task = GroupApprovalTask.objects.filter(name=workflow_name[:255]).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=workflow_name[:255])
        task.groups.add(moderators)
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.create(workflow=workflow, page=group)
    return group


def moderator_rights_sync(*, membership: Membership) -> None:
    """Active moderators belong to the group's moderators Django group; nobody else."""
    group = membership.group
    if group.moderators_group is None:
        group_moderation_setup(group=group)
    is_moderator = (
        membership.role == Membership.Role.MODERATOR
        and membership.status == Membership.Status.ACTIVE
    )
    if is_moderator:
        membership.user.groups.add(group.moderators_group)
    else:
        membership.user.groups.remove(group.moderators_group)


# --- membership: helpers ----------------------------------------------------------


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


def _notify_person(*, template: str, subject: str, user, context: dict):
    email_send(
        template=template,
        subject=subject,
        recipients=[user.email],
        context={"person_name": _name(user), **context},
    )


def _notify_moderators(
    *, group: WorkingGroupPage, summary: str, exclude=None, message: str = ""
):
    email_send(
        template="moderators_notice",
        subject=summary,
        recipients=_moderator_emails(group, exclude=exclude),
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


def _moderator_decision(
    membership: Membership,
    *,
    actor,
    to_status: str,
    action: str,
    message: str,
    template: str,
    subject: str,
    summary: str,
) -> Membership:
    """A moderator decides on a membership: new status, an audit row, and both
    the person and the group's moderators are told. ``subject`` may use
    %(group)s; ``summary`` %(moderator)s, %(name)s and %(group)s."""
    group = membership.group
    from_status = membership.status
    _set_status(membership, to_status, decided_by=actor, message=message)
    _audit(
        group=group,
        membership=membership,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        message=message,
    )
    _notify_person(
        template=template,
        subject=lazy_percent(subject, group=group.title),
        user=membership.user,
        context={**_group_context(group), "message": message},
    )
    _notify_moderators(
        group=group,
        summary=lazy_percent(
            summary,
            moderator=_name(actor),
            name=_name(membership.user),
            group=group.title,
        ),
        message=message,
    )
    return membership


def _pending_request_locked(membership: Membership, *, actor) -> Membership:
    """The join request, locked, once ``actor`` may decide it and it is undecided."""
    from .permissions import can_moderate_group

    membership = _lock(membership)
    if not can_moderate_group(actor, membership.group):
        raise PermissionDenied
    if membership.status != Membership.Status.PENDING:
        raise MembershipError(_("This request has already been decided."))
    return membership


# --- membership: the state machine ---------------------------------------------------


@transaction.atomic
def membership_request(
    *, user, group: WorkingGroupPage, motivation: str = ""
) -> Membership:
    """Ask to join (or join at once an open group). Asking twice keeps one request."""
    from .permissions import can_view_group

    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    if not can_view_group(user, group):
        raise PermissionDenied
    if group.join_policy == WorkingGroupPage.JoinPolicy.INVITE:
        raise MembershipError(
            _("This group is invite only: ask one of its moderators for an invitation.")
        )
    motivation = motivation.strip()
    membership = (
        Membership.objects.select_for_update().filter(user=user, group=group).first()
    )
    if membership is not None and membership.status == Membership.Status.ACTIVE:
        raise MembershipError(_("You are already a member of this group."))
    if membership is not None and membership.status == Membership.Status.PENDING:
        return membership
    recent_requests = MembershipAuditEntry.objects.filter(
        group=group,
        user=user,
        action__in=[
            MembershipAuditEntry.Action.REQUESTED,
            MembershipAuditEntry.Action.JOINED,
        ],
        created_at__gte=timezone.now() - timedelta(days=1),
    ).count()
    if recent_requests >= REQUESTS_PER_DAY:
        raise MembershipError(
            _(
                "You have asked to join this group several times today. Please "
                "try again tomorrow."
            )
        )
    join_now = group.join_policy == WorkingGroupPage.JoinPolicy.OPEN and (
        membership is None or membership.status != Membership.Status.REMOVED
    )
    if not join_now and not motivation:
        raise MembershipError(
            _("Tell the moderators in a few words why you would like to join.")
        )
    from_status = membership.status if membership is not None else ""
    if membership is None:
        membership = Membership(user=user, group=group)
    membership.role = Membership.Role.MEMBER
    membership.motivation = motivation
    membership.status = (
        Membership.Status.ACTIVE if join_now else Membership.Status.PENDING
    )
    membership.decided_by = None
    membership.decided_at = timezone.now() if join_now else None
    membership.decision_message = ""
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        # A simultaneous request won the race: that one is the request.
        return Membership.objects.get(user=user, group=group)
    user_group_cache_clear(user)
    context = {**_group_context(group), "motivation": motivation}
    if join_now:
        _audit(
            group=group,
            membership=membership,
            action=MembershipAuditEntry.Action.JOINED,
            actor=user,
            from_status=from_status,
            to_status=membership.status,
        )
        _notify_person(
            template="member_welcome",
            subject=lazy_percent(
                gettext_lazy("Welcome to %(group)s"), group=group.title
            ),
            user=user,
            context=context,
        )
        _notify_moderators(
            group=group,
            summary=lazy_percent(
                gettext_lazy("%(name)s joined %(group)s"),
                name=_name(user),
                group=group.title,
            ),
        )
    else:
        _audit(
            group=group,
            membership=membership,
            action=MembershipAuditEntry.Action.REQUESTED,
            actor=user,
            from_status=from_status,
            to_status=membership.status,
            message=motivation,
        )
        _notify_person(
            template="request_received",
            subject=lazy_percent(
                gettext_lazy("Your request to join %(group)s"), group=group.title
            ),
            user=user,
            context=context,
        )
        _notify_moderators(
            group=group,
            summary=lazy_percent(
                gettext_lazy("%(name)s asks to join %(group)s"),
                name=_name(user),
                group=group.title,
            ),
            message=motivation,
        )
    return membership


@transaction.atomic
def membership_approve(
    *, membership: Membership, actor, message: str = ""
) -> Membership:
    return _moderator_decision(
        _pending_request_locked(membership, actor=actor),
        actor=actor,
        to_status=Membership.Status.ACTIVE,
        action=MembershipAuditEntry.Action.APPROVED,
        message=message.strip(),
        template="request_approved",
        subject=gettext_lazy("Welcome to %(group)s"),
        summary=gettext_lazy(
            "%(moderator)s approved %(name)s's request to join %(group)s"
        ),
    )


@transaction.atomic
def membership_decline(
    *, membership: Membership, actor, message: str = ""
) -> Membership:
    return _moderator_decision(
        _pending_request_locked(membership, actor=actor),
        actor=actor,
        to_status=Membership.Status.DECLINED,
        action=MembershipAuditEntry.Action.DECLINED,
        message=message.strip(),
        template="request_declined",
        subject=gettext_lazy("Your request to join %(group)s"),
        summary=gettext_lazy(
            "%(moderator)s declined %(name)s's request to join %(group)s"
        ),
    )


@transaction.atomic
def membership_leave(*, membership: Membership, actor) -> Membership:
    """A member leaves; someone waiting withdraws their request."""
    from .permissions import can_leave_group

    membership = _lock(membership)
    group = membership.group
    if not can_leave_group(actor, membership):
        raise PermissionDenied
    from_status = membership.status
    if (
        membership.role == Membership.Role.MODERATOR
        and from_status == Membership.Status.ACTIVE
        and not Membership.objects.filter(
            group=group,
            status=Membership.Status.ACTIVE,
            role=Membership.Role.MODERATOR,
        )
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise MembershipError(
            _(
                "You are this group's only moderator: ask an administrator to "
                "appoint another moderator before you leave."
            )
        )
    withdrawing = from_status == Membership.Status.PENDING
    _set_status(membership, Membership.Status.LEFT, decided_by=actor)
    _audit(
        group=group,
        membership=membership,
        action=MembershipAuditEntry.Action.WITHDRAWN
        if withdrawing
        else MembershipAuditEntry.Action.LEFT,
        actor=actor,
        from_status=from_status,
        to_status=Membership.Status.LEFT,
    )
    _notify_person(
        template="request_withdrawn" if withdrawing else "member_left",
        subject=lazy_percent(
            gettext_lazy("You withdrew your request to join %(group)s")
            if withdrawing
            else gettext_lazy("You left %(group)s"),
            group=group.title,
        ),
        user=membership.user,
        context=_group_context(group),
    )
    _notify_moderators(
        group=group,
        summary=lazy_percent(
            gettext_lazy("%(name)s withdrew their request to join %(group)s")
            if withdrawing
            else gettext_lazy("%(name)s left %(group)s"),
            name=_name(membership.user),
            group=group.title,
        ),
    )
    return membership


@transaction.atomic
def membership_remove(
    *, membership: Membership, actor, message: str = ""
) -> Membership:
    from .permissions import can_remove_member

    membership = _lock(membership)
    if not can_remove_member(actor, membership):
        raise PermissionDenied
    return _moderator_decision(
        membership,
        actor=actor,
        to_status=Membership.Status.REMOVED,
        action=MembershipAuditEntry.Action.REMOVED,
        message=message.strip(),
        template="member_removed",
        subject=gettext_lazy("Your membership of %(group)s"),
        summary=gettext_lazy("%(moderator)s removed %(name)s from %(group)s"),
    )


@transaction.atomic
def membership_invite(
    *, group: WorkingGroupPage, email: str, actor, message: str = ""
) -> MembershipInvitation:
    """Invite someone by email. Inviting the same address again re-sends the one
    open invitation."""
    from allauth.account.models import EmailAddress

    from .permissions import can_invite_to_group

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
    from .permissions import can_answer_invitation

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
    from .permissions import can_answer_invitation

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


@transaction.atomic
def membership_admin_changed(
    *, membership: Membership, actor, previous: dict | None
) -> Membership:
    """Record an administrator's create or edit of a membership in the Wagtail
    admin (the admin form has already saved it): audit row, decision stamp, emails."""
    if not (
        getattr(actor, "is_superuser", False)
        or actor.has_perm("working_groups.change_membership")
    ):
        raise PermissionDenied
    from_status = (previous or {}).get("status", "")
    from_role = (previous or {}).get("role", "")
    if previous is not None and (from_status, from_role) == (
        membership.status,
        membership.role,
    ):
        return membership
    if from_status != membership.status:
        membership.decided_by = actor
        membership.decided_at = timezone.now()
        Membership.objects.filter(pk=membership.pk).update(
            decided_by=actor, decided_at=membership.decided_at
        )
    user_group_cache_clear(membership.user)
    details = []
    if from_role and from_role != membership.role:
        details.append(
            _("Role: %(before)s → %(after)s")
            % {
                "before": Membership.Role(from_role).label,
                "after": membership.get_role_display(),
            }
        )
    _audit(
        group=membership.group,
        membership=membership,
        action=MembershipAuditEntry.Action.CHANGED,
        actor=actor,
        from_status=from_status,
        to_status=membership.status,
        message="; ".join(str(detail) for detail in details)
        or membership.decision_message,
    )
    _notify_person(
        template="membership_changed",
        subject=lazy_percent(
            gettext_lazy("Your membership of %(group)s"), group=membership.group.title
        ),
        user=membership.user,
        context={**_group_context(membership.group), "membership": membership},
    )
    _notify_moderators(
        group=membership.group,
        summary=lazy_percent(
            gettext_lazy(
                "An administrator changed %(name)s's membership of %(group)s: "
                "%(status)s, %(role)s"
            ),
            name=_name(membership.user),
            group=membership.group.title,
            status=Membership.Status(membership.status).label,
            role=Membership.Role(membership.role).label,
        ),
        exclude=actor,
    )
    return membership


# --- events ---------------------------------------------------------------------------


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
    for registration in promoted:
        registration.status = EventRegistration.Status.GOING
        registration.status_changed_at = now
        registration.save(update_fields=["status", "status_changed_at", "updated_at"])
        if registration.user_id not in may_see:
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
    from .permissions import can_rsvp_event

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
    from .permissions import can_feature_event

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
