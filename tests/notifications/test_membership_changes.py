"""A member hears about changes to their own memberships on the site: removal
from a group (a members-only group left unnamed, since they can no longer see
it) and invitations to join (when the address is an account's)."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from notifications.models import Delivery, Kind, Notification
from notifications.services import notification_preferences_update
from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from working_groups.models import Membership
from working_groups.services import (
    group_moderation_setup,
    membership_invite,
    membership_remove,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return UserFactory(username="convener")


def _group(title, moderator, capture, **kwargs):
    with capture(execute=True):
        group = group_moderation_setup(group=WorkingGroupFactory(title=title, **kwargs))
        MembershipFactory(user=moderator, group=group, role=Membership.Role.MODERATOR)
    return group


def _page(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("notifications:list")).text


@pytest.mark.parametrize(
    ("visibility", "shown", "hidden"),
    [
        ("public", "You were removed from Open circle", ""),
        ("members", "You were removed from a members-only group", "Open circle"),
    ],
)
def test_a_removed_member_is_told_without_naming_what_they_cannot_see(
    client,
    home_page,
    moderator,
    visibility,
    shown,
    hidden,
    django_capture_on_commit_callbacks,
):
    group = _group(
        "Open circle",
        moderator,
        django_capture_on_commit_callbacks,
        visibility=visibility,
    )
    member = MembershipFactory(group=group, user=UserFactory()).user

    with django_capture_on_commit_callbacks(execute=True):
        membership_remove(
            membership=Membership.objects.get(user=member, group=group),
            actor=moderator,
        )

    page = _page(client, member)
    assert shown in page
    if hidden:
        assert hidden not in page
        assert hidden not in Notification.objects.get(recipient=member).title


def test_an_invitation_to_an_account_arrives_on_the_site(
    client, home_page, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    group = _group("Data circle", moderator, django_capture_on_commit_callbacks)
    invitee = UserFactory(email="ines@example.org")
    assert EmailAddress.objects.filter(user=invitee, verified=True).exists()

    with django_capture_on_commit_callbacks(execute=True):
        invitation = membership_invite(
            group=group, email=invitee.email, actor=moderator
        )
        # Someone without an account only gets the email.
        membership_invite(group=group, email="nobody@example.org", actor=moderator)

    page = _page(client, invitee)
    assert "You are invited to join Data circle" in page
    note = Notification.objects.get(recipient=invitee)
    assert note.url == reverse("working_groups:invitation", args=[invitation.token])
    assert Notification.objects.filter(kind=Kind.INVITATION).count() == 1
    assert sorted(m.to[0] for m in mailoutbox if "invitation" in m.subject) == [
        "ines@example.org",
        "nobody@example.org",
    ]


def test_invitations_can_be_turned_off_on_the_site(
    home_page, moderator, django_capture_on_commit_callbacks
):
    group = _group("Data circle", moderator, django_capture_on_commit_callbacks)
    invitee = UserFactory(email="ines@example.org")
    notification_preferences_update(
        user=invitee, choices={Kind.INVITATION: Delivery.OFF}
    )

    with django_capture_on_commit_callbacks(execute=True):
        membership_invite(group=group, email=invitee.email, actor=moderator)

    assert not Notification.objects.filter(recipient=invitee).exists()
