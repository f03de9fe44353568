"""Reactions tell a post's author, once per post: "Ana and 2 other people
reacted to your post", brought back to the top when someone new reacts, never
for one's own reaction, as the author chose, and only while they may read it."""

import pytest
from django.urls import reverse

from notifications.models import Delivery, Kind, Notification
from notifications.selectors import unread_count
from notifications.services import notification_preferences_update
from tests.factories import MembershipFactory, UserFactory
from tests.factories.forums import PostFactory, ThreadFactory
from working_groups.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(private_forum, member):
    thread = ThreadFactory(forum=private_forum, author=member, title="Census tips")
    return PostFactory(thread=thread, author=member)


def _react(client, user, post, kind, capture, state="on"):
    client.force_login(user)
    with capture(execute=True):
        response = client.post(
            reverse("forums:post_react", args=[post.pk]),
            {"kind": kind, "state": state},
        )
    assert response.status_code == 302


def _readers(group, count):
    return [
        MembershipFactory(
            group=group, user=UserFactory(display_name=f"Reader {n}")
        ).user
        for n in range(count)
    ]


def test_many_reactions_make_one_notification_that_counts_people(
    client, post, member, group, mailoutbox, django_capture_on_commit_callbacks
):
    ana, ben, chen = _readers(group, 3)
    capture = django_capture_on_commit_callbacks
    _react(client, ana, post, "helpful", capture)
    _react(client, ana, post, "thanks", capture)  # same person, counted once
    _react(client, ben, post, "helpful", capture)
    _react(client, chen, post, "thanks", capture)

    note = Notification.objects.get(recipient=member)
    assert (note.kind, note.count) == (Kind.REACTION, 3)
    client.force_login(member)
    page = client.get(reverse("notifications:list")).text
    assert "Reader 2 and 2 other people reacted to your post in “Census tips”" in page
    assert unread_count(user=type(member).objects.get(pk=member.pk)) == 1
    assert mailoutbox == []  # reactions stay on the site unless chosen


def test_someone_new_brings_a_read_notification_back(
    client, post, member, group, django_capture_on_commit_callbacks
):
    ana, ben = _readers(group, 2)
    capture = django_capture_on_commit_callbacks
    _react(client, ana, post, "helpful", capture)
    Notification.objects.filter(recipient=member).update(read_at="2026-01-01T00:00Z")
    # Taking back and giving again changes nothing for the author.
    _react(client, ana, post, "helpful", capture, state="off")
    _react(client, ana, post, "helpful", capture)
    assert Notification.objects.get(recipient=member).read_at is not None

    _react(client, ben, post, "thanks", capture)

    note = Notification.objects.get(recipient=member)
    assert (note.count, note.read_at, note.actor_id) == (2, None, ben.pk)


def test_preferences_and_access_are_respected(
    client, post, member, group, mailoutbox, django_capture_on_commit_callbacks
):
    ana, ben = _readers(group, 2)
    capture = django_capture_on_commit_callbacks
    notification_preferences_update(user=member, choices={Kind.REACTION: Delivery.OFF})
    _react(client, ana, post, "helpful", capture)
    assert not Notification.objects.filter(recipient=member).exists()

    notification_preferences_update(
        user=member, choices={Kind.REACTION: Delivery.EMAIL}
    )
    _react(client, ben, post, "helpful", capture)
    assert Notification.objects.get(recipient=member).count == 2
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "reacted to your post" in mailoutbox[0].subject

    # The author left the group: no more news of a post they cannot read.
    Notification.objects.filter(recipient=member).delete()
    Membership.objects.filter(user=member).update(status=Membership.Status.LEFT)
    _react(client, ana, post, "thanks", capture)
    assert not Notification.objects.filter(recipient=member).exists()


def test_one_cannot_notify_oneself(
    client, post, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("forums:post_react", args=[post.pk]),
            {"kind": "helpful", "state": "on"},
        )
    assert not Notification.objects.filter(recipient=member).exists()
