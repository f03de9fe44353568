"""Issue 9, item 2: every notification re-checks, when it goes out, that its
recipient may still see what it is about."""

import pytest

from forums.models import Subscription
from forums.notifications import post_notify
from tests.factories import EventRegistrationFactory, PostFactory
from working_groups.models import EventPage, Membership
from working_groups.services import membership_leave

pytestmark = pytest.mark.django_db


def test_a_former_member_is_not_sent_a_members_only_events_new_link(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    event = world["event"]
    stayer, leaver = world["member"], world["former"]
    Membership.objects.filter(user=leaver).update(status=Membership.Status.ACTIVE)
    EventRegistrationFactory(event=event, user=stayer)
    EventRegistrationFactory(event=event, user=leaver)
    with django_capture_on_commit_callbacks(execute=True):
        membership_leave(
            membership=Membership.objects.get(user=leaver, group=world["group"]),
            actor=leaver,
        )

    with django_capture_on_commit_callbacks(execute=True):
        edited = EventPage.objects.get(pk=event.pk)
        edited.online_url = "https://meet.example.org/new-secret-room"
        edited.save_revision(user=world["moderator"]).publish()

    updates = [m for m in mailoutbox if "Updated:" in m.subject]
    assert [m.to for m in updates] == [[stayer.email]]
    assert not any(leaver.email in m.to for m in mailoutbox if "new-secret" in m.body)


def test_a_former_member_following_a_private_thread_gets_no_new_posts(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    thread, leaver = world["thread"], world["former"]
    Subscription.objects.create(user=leaver, thread=thread)
    Subscription.objects.create(user=world["moderator"], thread=thread)

    reply = PostFactory(thread=thread, author=world["member"], body="Next steps.")
    sent = post_notify(post_id=reply.pk)

    assert sent == 1
    assert [m.to for m in mailoutbox] == [[world["moderator"].email]]


def test_the_forum_settings_page_forgets_threads_of_a_group_one_has_left(client, world):
    leaver = world["former"]
    Subscription.objects.create(user=leaver, thread=world["thread"])
    client.force_login(leaver)

    page = client.get("/forums/settings/").content.decode()

    assert "Secret plans" not in page
