"""The membership state machine: request, approve, decline, leave, remove."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from languages.mail import lazy_percent

from ..models import (
    Membership,
    MembershipAuditEntry,
    Visibility,
    WorkingGroupPage,
)
from ..selectors import user_group_cache_clear
from .common import (
    MembershipError,
    _audit,
    _group_context,
    _lock,
    _name,
    _notify_moderators,
    _notify_person,
    _set_status,
)

# Asking (or joining) more often than this in a day is refused: every request
# emails the moderators.
REQUESTS_PER_DAY = 3


# Decisions on a request to join that the applicant hears about in their
# notifications.
DECISION_VERBS = {
    Membership.Status.ACTIVE: "membership_approved",
    Membership.Status.DECLINED: "membership_declined",
}


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
    verb = DECISION_VERBS.get(to_status)
    target = "working_groups.group"
    if to_status == Membership.Status.REMOVED:
        # A members-only group is not named to someone who may no longer see it.
        private = group.visibility != Visibility.PUBLIC
        verb = "membership_removed_private" if private else "membership_removed"
        target = "working_groups.former_group"
    if verb is not None:
        from notifications.models import Kind
        from notifications.services import fan_out_after_commit

        fan_out_after_commit(
            kind=Kind.MEMBERSHIP,
            verb=verb,
            target=target,
            target_id=group.pk,
            recipient_ids=[membership.user_id],
            actor_id=getattr(actor, "pk", None),
            key=f"{verb}:{membership.pk}:{membership.decided_at.isoformat()}",
        )
    _notify_person(
        template=template,
        subject=lazy_percent(subject, group=group.title),
        user=membership.user,
        context={**_group_context(group), "message": message},
        kind="membership" if verb is not None else None,
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


def _site_notify_moderators(*, group, actor, **kwargs) -> None:
    """The group's moderators hear about it in their notifications (queued
    for the worker once this commits)."""
    from notifications.services import moderators_fan_out_after_commit

    moderators_fan_out_after_commit(
        group_id=group.pk, actor_id=getattr(actor, "pk", None), **kwargs
    )


def _pending_request_locked(membership: Membership, *, actor) -> Membership:
    """The join request, locked, once ``actor`` may decide it and it is undecided."""
    from ..permissions import can_moderate_group

    membership = _lock(membership)
    if not can_moderate_group(actor, membership.group):
        raise PermissionDenied
    if membership.status != Membership.Status.PENDING:
        raise MembershipError(_("This request has already been decided."))
    return membership


@transaction.atomic
def membership_request(
    *, user, group: WorkingGroupPage, motivation: str = ""
) -> Membership:
    """Ask to join (or join at once an open group). Asking twice keeps one request."""
    from ..permissions import can_view_group

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
        entry = _audit(
            group=group,
            membership=membership,
            action=MembershipAuditEntry.Action.REQUESTED,
            actor=user,
            from_status=from_status,
            to_status=membership.status,
            message=motivation,
        )
        _site_notify_moderators(
            group=group,
            kind="join_request",
            verb="join_requested",
            target="working_groups.join_request",
            target_id=membership.pk,
            actor=user,
            key=f"join_request:{entry.pk}",
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
            kind="join_request",
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
    from ..permissions import can_leave_group

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
    entry = _audit(
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
        kind=None if withdrawing else "member_left",
    )
    if not withdrawing:
        _site_notify_moderators(
            group=group,
            kind="member_left",
            verb="member_left",
            target="working_groups.moderated_group",
            target_id=group.pk,
            actor=membership.user,
            key=f"member_left:{entry.pk}",
        )
    return membership


@transaction.atomic
def membership_remove(
    *, membership: Membership, actor, message: str = ""
) -> Membership:
    from ..permissions import can_remove_member

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
