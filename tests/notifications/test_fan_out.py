"""Forum activity becomes notifications for the people it concerns, once, and
only for people who may read it; what they can no longer see disappears."""

import pytest
from django.urls import reverse

from forums import services as forum_services
from forums.models import Subscription
from notifications.models import Delivery, Kind, Notification
from notifications.selectors import unread_count
from notifications.services import (
    notification_preferences_update,
    notifications_fan_out,
)
from tests.factories.forums import PostFactory, ThreadFactory
from working_groups.models import Membership

pytestmark = pytest.mark.django_db


def _reply(author, thread, body, capture, **kwargs):
    with capture(execute=True):
        return forum_services.post_create(
            author=author, thread=thread, body=body, **kwargs
        )


def test_a_reply_notifies_followers_who_may_read_it_and_never_the_author(
    private_forum, member, second_member, outsider, django_capture_on_commit_callbacks
):
    thread = ThreadFactory(forum=private_forum, author=member)
    Subscription.objects.create(user=second_member, thread=thread)
    # Someone who followed while a member, then left the group.
    Subscription.objects.create(user=outsider, thread=thread)

    post = _reply(
        member, thread, "Here is our plan.", django_capture_on_commit_callbacks
    )

    notified = Notification.objects.filter(target_id=post.pk)
    assert list(notified.values_list("recipient__username", "kind")) == [
        ("second", Kind.REPLY)
    ]
    assert notified.get().url == post.get_absolute_url()


def test_mentions_notify_readers_only_and_editing_does_not_notify_again(
    private_forum, member, second_member, outsider, django_capture_on_commit_callbacks
):
    thread = ThreadFactory(forum=private_forum, author=member)
    Subscription.objects.filter(thread=thread).delete()
    body = f"What do @{second_member.username} and @{outsider.username} think?"
    post = _reply(member, thread, body, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.post_edit(
            editor=member, post=post, body=f"@{second_member.username}, any thoughts?"
        )

    assert list(
        Notification.objects.values_list("recipient__username", "kind", "verb")
    ) == [("second", Kind.MENTION, "mention")]


def test_fan_out_is_idempotent(
    private_forum, member, second_member, django_capture_on_commit_callbacks
):
    thread = ThreadFactory(forum=private_forum, author=member)
    Subscription.objects.create(user=second_member, thread=thread)
    post = _reply(member, thread, "First answer.", django_capture_on_commit_callbacks)

    for _ in range(2):
        written = notifications_fan_out(
            kind=Kind.REPLY,
            verb="reply",
            target="forums.post",
            target_id=post.pk,
            recipient_ids=[second_member.pk],
            actor_id=member.pk,
        )
        assert written == 0
    assert Notification.objects.filter(recipient=second_member).count() == 1


def test_quoting_someone_notifies_them(
    private_forum, member, second_member, django_capture_on_commit_callbacks, mailoutbox
):
    thread = ThreadFactory(forum=private_forum, author=member)
    quoted = PostFactory(thread=thread, author=second_member, body="Use SDMX.")
    Subscription.objects.filter(user=second_member).delete()

    _reply(
        member,
        thread,
        "> Use SDMX.\n\nAgreed.",
        django_capture_on_commit_callbacks,
        quoted_post=quoted,
    )

    note = Notification.objects.get(recipient=second_member)
    assert (note.kind, note.verb) == (Kind.QUOTE, "quote")
    # Quotes are emailed by the notifications themselves (default: at once).
    assert [m.to for m in mailoutbox] == [[second_member.email]]
    assert "quoted you" in mailoutbox[0].subject


def test_a_post_linking_to_a_resource_notifies_its_owner(
    private_forum, member, second_member, django_capture_on_commit_callbacks
):
    from tests.factories import ResourceFactory

    resource = ResourceFactory(title="EMIS roadmap", owner=second_member)
    thread = ThreadFactory(forum=private_forum, author=member)
    Subscription.objects.filter(user=second_member).delete()

    _reply(
        member,
        thread,
        f"See [the roadmap](/knowledge/{resource.slug}/).",
        django_capture_on_commit_callbacks,
    )

    note = Notification.objects.get(recipient=second_member)
    assert note.kind == Kind.RESOURCE_MENTION


def test_what_a_member_can_no_longer_see_leaves_their_notifications(
    client, private_forum, member, second_member, django_capture_on_commit_callbacks
):
    thread = ThreadFactory(forum=private_forum, author=member, title="Budget 2027")
    Subscription.objects.create(user=second_member, thread=thread)
    _reply(member, thread, "Numbers inside.", django_capture_on_commit_callbacks)
    client.force_login(second_member)
    assert "Budget 2027" in client.get(reverse("notifications:list")).text
    assert unread_count(user=second_member) == 1

    Membership.objects.filter(user=second_member).update(status=Membership.Status.LEFT)
    fresh = type(second_member).objects.get(pk=second_member.pk)

    assert unread_count(user=fresh) == 0
    page = client.get(reverse("notifications:list")).text
    assert "Budget 2027" not in page
    note = Notification.objects.get(recipient=second_member)
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 404


def test_a_hidden_thread_disappears_from_notifications(
    client,
    private_forum,
    member,
    second_member,
    moderator,
    django_capture_on_commit_callbacks,
):
    thread = ThreadFactory(forum=private_forum, author=member, title="Off-topic rant")
    Subscription.objects.create(user=second_member, thread=thread)
    _reply(member, thread, "More ranting.", django_capture_on_commit_callbacks)
    thread.is_hidden = True
    thread.save(update_fields=["is_hidden"])

    client.force_login(second_member)
    assert "Off-topic rant" not in client.get(reverse("notifications:list")).text


@pytest.mark.parametrize(
    ("delivery", "notified", "emailed"),
    [
        (Delivery.SITE, True, False),
        (Delivery.EMAIL, True, True),
        (Delivery.DIGEST, True, False),
        (Delivery.OFF, False, False),
    ],
)
def test_preferences_choose_how_a_quote_arrives(
    delivery,
    notified,
    emailed,
    private_forum,
    member,
    second_member,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    notification_preferences_update(user=second_member, choices={Kind.QUOTE: delivery})
    thread = ThreadFactory(forum=private_forum, author=member)
    quoted = PostFactory(thread=thread, author=second_member)
    Subscription.objects.filter(user=second_member).delete()

    _reply(
        member,
        thread,
        "Quoting.",
        django_capture_on_commit_callbacks,
        quoted_post=quoted,
    )

    assert Notification.objects.filter(recipient=second_member).exists() is notified
    assert bool(mailoutbox) is emailed


def test_digest_delivery_sends_one_email_later(
    private_forum, member, second_member, django_capture_on_commit_callbacks, mailoutbox
):
    from notifications.services import notification_digests_send

    notification_preferences_update(
        user=second_member, choices={Kind.QUOTE: Delivery.DIGEST}
    )
    thread = ThreadFactory(forum=private_forum, author=member, title="Census data")
    quoted = PostFactory(thread=thread, author=second_member)
    Subscription.objects.filter(user=second_member).delete()
    _reply(
        member,
        thread,
        "Quoting.",
        django_capture_on_commit_callbacks,
        quoted_post=quoted,
    )
    assert not mailoutbox

    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digests_send() == 1
        assert notification_digests_send() == 0

    assert [m.to for m in mailoutbox] == [[second_member.email]]
    assert "Census data" in mailoutbox[0].body


def test_reply_and_mention_choices_drive_the_forum_emails(second_member):
    from forums.models import NotificationPreference

    notification_preferences_update(
        user=second_member,
        choices={Kind.REPLY: Delivery.DIGEST, Kind.MENTION: Delivery.SITE},
    )
    forum = NotificationPreference.objects.get(user=second_member)
    assert (forum.delivery, forum.email_mentions) == ("daily", False)

    notification_preferences_update(
        user=second_member,
        choices={Kind.REPLY: Delivery.EMAIL, Kind.MENTION: Delivery.EMAIL},
    )
    forum.refresh_from_db()
    assert (forum.delivery, forum.email_mentions) == ("immediate", True)
