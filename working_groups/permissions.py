"""Who may do what in a working group. Views and templates only ask these.

Page-level curation (editing, publishing, featuring the group's events and
resources) is decided by Wagtail's page permissions, which the group's
moderators hold on the group's part of the page tree (services.group_moderation_setup).
"""

from django.utils import timezone

from .models import (
    EventPage,
    Membership,
    MembershipInvitation,
    Visibility,
    WorkingGroupPage,
)
from .selectors import group_ids_for_user, moderated_group_ids_for_user


def _is_authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_staff", False))


def is_group_member(user, group: WorkingGroupPage) -> bool:
    return group.pk in group_ids_for_user(user=user)


def can_view_group(user, group: WorkingGroupPage) -> bool:
    if group.visibility == Visibility.PUBLIC:
        return True
    return _is_staff(user) or is_group_member(user, group)


def can_view_private_content(user, group: WorkingGroupPage) -> bool:
    """Members-only resources, events and forums of the group."""
    return _is_staff(user) or is_group_member(user, group)


def can_view_members(user, group: WorkingGroupPage) -> bool:
    """The members directory is for the group's members."""
    return can_view_private_content(user, group)


def can_moderate_group(user, group: WorkingGroupPage) -> bool:
    """Decide join requests, invite and remove members, see the moderation queue."""
    if not _is_authenticated(user):
        return False
    if getattr(user, "is_superuser", False):
        return True
    if _is_staff(user) and user.has_perm("working_groups.change_membership"):
        return True
    return group.pk in moderated_group_ids_for_user(user=user)


def can_request_membership(user, group: WorkingGroupPage) -> bool:
    """Signed-in people who can see the group and are not in it (or waiting)."""
    if not _is_authenticated(user) or not can_view_group(user, group):
        return False
    if group.join_policy == WorkingGroupPage.JoinPolicy.INVITE:
        return False
    membership = Membership.objects.filter(user=user, group=group).first()
    return membership is None or membership.status in (
        Membership.Status.DECLINED,
        Membership.Status.LEFT,
        Membership.Status.REMOVED,
    )


def can_leave_group(user, membership: Membership | None) -> bool:
    """Members leave; people waiting withdraw their request."""
    return (
        membership is not None
        and _is_authenticated(user)
        and membership.user_id == user.pk
        and membership.status in (Membership.Status.ACTIVE, Membership.Status.PENDING)
    )


def can_decide_membership(user, membership: Membership) -> bool:
    return membership.status == Membership.Status.PENDING and can_moderate_group(
        user, membership.group
    )


def can_remove_member(user, membership: Membership) -> bool:
    """Moderators remove members; only administrators remove a moderator."""
    if membership.status != Membership.Status.ACTIVE:
        return False
    if not can_moderate_group(user, membership.group):
        return False
    if membership.user_id == getattr(user, "pk", None):
        return False
    if membership.role == Membership.Role.MODERATOR:
        return bool(getattr(user, "is_superuser", False)) or (
            _is_staff(user) and user.has_perm("working_groups.change_membership")
        )
    return True


def can_invite_to_group(user, group: WorkingGroupPage) -> bool:
    return can_moderate_group(user, group)


def can_answer_invitation(user, invitation: MembershipInvitation) -> bool:
    """The invitation is for whoever holds a verified copy of its email address."""
    if not _is_authenticated(user) or not invitation.is_open:
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()


def can_view_profile(user, person) -> bool:
    """Profiles are for signed-in members, and only of members who opted in to
    the directory (one's own always); emails never show."""
    if not (_is_authenticated(user) and person.is_active):
        return False
    profile = getattr(person, "profile", None)
    return person.pk == user.pk or bool(profile and profile.listed_in_directory)


# --- events -------------------------------------------------------------------


def can_view_event(user, event: EventPage) -> bool:
    """Mirrors selectors.event_visibility_q."""
    group = event.group
    if _is_staff(user):
        return True
    if group is not None and is_group_member(user, group):
        return True
    if event.visibility != Visibility.PUBLIC:
        return False
    return group is None or group.visibility == Visibility.PUBLIC


def can_rsvp_event(user, event: EventPage) -> bool:
    return (
        _is_authenticated(user)
        and event.live
        and event.registration_open
        and not event.cancelled
        and event.end >= timezone.now()
        and can_view_event(user, event)
    )


def can_edit_event(user, event: EventPage) -> bool:
    """Wagtail's page permissions: a group's moderators edit the group's events."""
    if not _is_authenticated(user):
        return False
    return event.permissions_for_user(user).can_edit()


def can_feature_event(user, event: EventPage) -> bool:
    if not _is_authenticated(user):
        return False
    return event.permissions_for_user(user).can_publish()


# --- running events from the group space ---------------------------------------


def can_manage_group_events(user, group: WorkingGroupPage) -> bool:
    """Create events below the group (its moderators hold the page rights)."""
    if not _is_authenticated(user):
        return False
    return group.permissions_for_user(user).can_add_subpage()


def can_duplicate_event(user, event: EventPage) -> bool:
    return (
        event.group is not None
        and can_manage_group_events(user, event.group)
        and can_edit_event(user, event)
    )


def can_cancel_event(user, event: EventPage) -> bool:
    """Published events that have not yet taken place."""
    return (
        event.live
        and not event.cancelled
        and not event.is_past
        and can_feature_event(user, event)
    )


def can_attach_event_material(user, event: EventPage) -> bool:
    """Recordings and slides, once the event has begun, by those who publish it."""
    return (
        event.live
        and event.group is not None
        and event.start <= timezone.now()
        and can_feature_event(user, event)
    )
