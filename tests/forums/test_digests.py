"""Digests carry the right posts, once; unsubscribe links need no sign-in and
work only for the person they were sent to."""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client
from freezegun import freeze_time

from forums import services, tokens
from forums.models import NotificationPreference, Subscription
from tests.factories import MembershipFactory, UserFactory
from tests.factories.forums import PostFactory, ThreadFactory
from working_groups.models import Membership

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.fixture
def reader(group):
    user = MembershipFactory(group=group, user=UserFactory(username="reader")).user
    services.preference_update(user=user, delivery="daily")
    return user


def unsubscribe_link(text: str) -> str:
    return re.search(r"http://testserver(/forums/unsubscribe/[^/\s]+/)", text).group(1)


def test_daily_digest_has_the_right_posts_and_never_repeats_one(
    private_forum, public_forum, reader, member, mailoutbox
):
    with freeze_time(START) as clock:
        watched = ThreadFactory(forum=private_forum, title="Census dates")
        before = PostFactory(thread=watched, author=member, body="Before you came")
        clock.tick(timedelta(minutes=5))
        services.subscription_create(user=reader, thread=watched)
        clock.tick(timedelta(minutes=5))
        new = PostFactory(thread=watched, author=member, body="March is best")
        own = PostFactory(thread=watched, author=reader, body="My own words")
        hidden = PostFactory(thread=watched, author=member, body="Spam link")
        hidden.is_hidden = True
        hidden.save()
        PostFactory(thread=ThreadFactory(forum=public_forum), body="Unwatched")

        clock.move_to(START + timedelta(hours=3))
        assert services_digests() == 1
        assert services_digests() == 0  # not due again today

        clock.move_to(START + timedelta(days=1, hours=3))
        later = PostFactory(thread=watched, author=member, body="April works too")
        clock.tick(timedelta(minutes=1))
        assert services_digests() == 1

    first, second = mailoutbox
    assert first.to == [reader.email] and "daily forum digest" in first.subject
    assert "Census dates" in first.body and new.body in first.body
    for absent in (before, own, hidden):
        assert absent.body not in first.body
    assert "Unwatched" not in first.body
    assert later.body in second.body and new.body not in second.body


def test_a_post_emailed_before_is_not_in_the_digest(
    private_forum, reader, member, mailoutbox, django_capture_on_commit_callbacks
):
    thread = ThreadFactory(forum=private_forum)
    with freeze_time(START - timedelta(hours=1)):
        services.subscription_create(user=reader, thread=thread)
    with freeze_time(START):
        with django_capture_on_commit_callbacks(execute=True):
            services.post_create(
                author=member, thread=thread, body=f"Hi @{reader.username}"
            )
    assert len(mailoutbox) == 1  # the mention

    with freeze_time(START + timedelta(hours=2)):
        services_digests()

    assert len(mailoutbox) == 1


def test_weekly_digest_waits_a_week(private_forum, reader, member, mailoutbox):
    services.preference_update(user=reader, delivery="weekly")
    with freeze_time(START) as clock:
        Subscription.objects.create(user=reader, forum=private_forum)
        clock.tick(timedelta(minutes=1))
        ThreadFactory(forum=private_forum, author=member, title="Budget lines")
        clock.tick(timedelta(hours=1))
        assert services_digests() == 1
        clock.tick(timedelta(days=1))
        PostFactory(thread=ThreadFactory(forum=private_forum), author=member)
        assert services_digests() == 0
        clock.tick(timedelta(days=6))
        assert services_digests() == 1

    assert "weekly forum digest" in mailoutbox[0].subject
    assert "Budget lines" in mailoutbox[0].body


def test_digest_leaves_out_forums_the_reader_can_no_longer_read(
    private_forum, reader, member, mailoutbox
):
    with freeze_time(START) as clock:
        thread = ThreadFactory(forum=private_forum)
        services.subscription_create(user=reader, thread=thread)
        clock.tick(timedelta(minutes=1))
        PostFactory(thread=thread, author=member, body="Members only news")
        Membership.objects.filter(user=reader).update(status=Membership.Status.LEFT)
        clock.tick(timedelta(hours=1))
        assert services_digests() == 0
    assert mailoutbox == []


def test_send_digests_command_is_safe_to_run_repeatedly(
    private_forum, reader, member, mailoutbox
):
    with freeze_time(START) as clock:
        thread = ThreadFactory(forum=private_forum)
        services.subscription_create(user=reader, thread=thread)
        clock.tick(timedelta(minutes=1))
        PostFactory(thread=thread, author=member)
        clock.tick(timedelta(hours=1))
        outputs = []
        for _ in range(3):
            out = StringIO()
            call_command("send_digests", stdout=out)
            outputs.append(out.getvalue().strip())

    assert outputs == ["1 digest(s) sent.", "0 digest(s) sent.", "0 digest(s) sent."]
    assert len(mailoutbox) == 1


def test_unsubscribe_from_digest_without_signing_in(
    private_forum, reader, member, mailoutbox
):
    with freeze_time(START) as clock:
        thread = ThreadFactory(forum=private_forum)
        services.subscription_create(user=reader, thread=thread)
        clock.tick(timedelta(minutes=1))
        PostFactory(thread=thread, author=member)
        clock.tick(timedelta(hours=1))
        services_digests()
    link = unsubscribe_link(mailoutbox[0].body)
    anonymous = Client(enforce_csrf_checks=True)

    confirm = anonymous.get(link)
    done = anonymous.post(link)  # a mail client's one-click POST has no CSRF token

    assert confirm.status_code == 200
    assert "Stop all forum emails" in confirm.text
    assert done.status_code == 200 and "Done." in done.text
    assert NotificationPreference.objects.get(user=reader).delivery == "off"
    assert (
        mailoutbox[0].extra_headers["List-Unsubscribe"] == f"<http://testserver{link}>"
    )


def test_unsubscribe_link_only_works_for_its_owner(
    private_forum, reader, member, client
):
    thread = ThreadFactory(forum=private_forum)
    mine = services.subscription_create(user=reader, thread=thread)
    theirs = services.subscription_create(user=member, thread=thread)
    my_link = tokens.unsubscribe_url(
        user=reader, scope=tokens.SUBSCRIPTION, subscription=mine
    ).removeprefix("http://testserver")
    # A token naming my account with someone else's subscription (only the
    # server can sign one; the view must still refuse it).
    crossed = signing.dumps(
        {"u": reader.pk, "k": tokens.SUBSCRIPTION, "s": theirs.pk},
        salt=tokens.SALT,
        compress=True,
    )
    forged = my_link.replace(
        my_link.split("/")[-2], my_link.split("/")[-2][:-3] + "abc"
    )

    assert client.post(f"/forums/unsubscribe/{crossed}/").status_code == 200
    assert client.post(forged).status_code == 400
    assert Subscription.objects.filter(pk=theirs.pk).exists()
    assert Subscription.objects.filter(pk=mine.pk).exists()

    client.post(my_link)

    assert not Subscription.objects.filter(pk=mine.pk).exists()
    assert Subscription.objects.filter(pk=theirs.pk).exists()


def test_new_post_email_unsubscribes_from_that_thread_only(
    private_forum,
    reader,
    member,
    client,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    services.preference_update(user=reader, delivery="immediate")
    thread = ThreadFactory(forum=private_forum)
    other = ThreadFactory(forum=private_forum)
    services.subscription_create(user=reader, thread=thread)
    services.subscription_create(user=reader, thread=other)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(author=member, thread=thread, body="News")

    client.post(unsubscribe_link(mailoutbox[0].body))

    assert list(Subscription.objects.filter(user=reader)) == [
        Subscription.objects.get(user=reader, thread=other)
    ]


def services_digests() -> int:
    from forums.notifications import digests_send

    return digests_send()
