"""The forum email settings and the notification settings are one choice seen
from two pages: what is chosen on either is shown on both and is what delivery
does (emails at once, digests, or none)."""

import re

import pytest
from django.urls import reverse

from forums import services as forum_services
from forums.models import Subscription
from forums.notifications import digests_send
from notifications.models import Delivery, Kind, Notification
from tests.factories.forums import ThreadFactory

pytestmark = pytest.mark.django_db


def _checked(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="(\w+)"[^>]*checked', page)
    return found.group(1) if found else ""


def _notification_settings(client) -> str:
    return client.get(reverse("notifications:preferences")).text


def _forum_settings(client) -> str:
    return client.get(reverse("forums:preferences")).text


def _choose_on_notification_settings(client, **choices):
    data = dict.fromkeys(Kind.values, Delivery.EMAIL)
    data.update(choices)
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302


def _choose_on_forum_settings(client, delivery):
    response = client.post(reverse("forums:preferences"), {"delivery": delivery})
    assert response.status_code == 302


@pytest.fixture
def followed(private_forum, member, second_member):
    thread = ThreadFactory(forum=private_forum, author=member, title="Census plan")
    Subscription.objects.create(user=second_member, thread=thread)
    return thread


def _reply(author, thread, capture):
    with capture(execute=True):
        return forum_services.post_create(author=author, thread=thread, body="News.")


def test_a_digest_chosen_on_the_notification_settings_is_the_forum_digest(
    client,
    followed,
    member,
    second_member,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(second_member)
    _choose_on_notification_settings(client, reply=Delivery.DIGEST)

    assert _checked(_forum_settings(client), "delivery") == "daily"
    _reply(member, followed, django_capture_on_commit_callbacks)
    assert mailoutbox == []  # no email at once
    assert Notification.objects.filter(recipient=second_member).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        digests_send()
    assert [m.to for m in mailoutbox] == [[second_member.email]]
    assert "Census plan" in mailoutbox[0].body


def test_a_weekly_digest_chosen_on_the_forum_settings_shows_on_both_pages(
    client,
    followed,
    member,
    second_member,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(second_member)
    _choose_on_forum_settings(client, "weekly")

    assert _checked(_notification_settings(client), "reply") == Delivery.DIGEST
    assert _checked(_forum_settings(client), "delivery") == "weekly"
    _reply(member, followed, django_capture_on_commit_callbacks)
    assert mailoutbox == []

    # Saving the notification settings again keeps the weekly rhythm.
    _choose_on_notification_settings(client, reply=Delivery.DIGEST)
    assert _checked(_forum_settings(client), "delivery") == "weekly"


def test_email_at_once_chosen_on_the_forum_settings_wins_over_an_earlier_digest(
    client,
    followed,
    member,
    second_member,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(second_member)
    _choose_on_notification_settings(client, reply=Delivery.DIGEST)
    _choose_on_forum_settings(client, "immediate")

    assert _checked(_notification_settings(client), "reply") == Delivery.EMAIL
    _reply(member, followed, django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [[second_member.email]]


def test_no_forum_email_keeps_replies_on_the_site_and_off_stays_off(
    client,
    followed,
    member,
    second_member,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(second_member)
    _choose_on_forum_settings(client, "off")
    assert _checked(_notification_settings(client), "reply") == Delivery.SITE
    _reply(member, followed, django_capture_on_commit_callbacks)
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=second_member).count() == 1

    _choose_on_notification_settings(client, reply=Delivery.OFF)
    _choose_on_forum_settings(client, "off")
    assert _checked(_notification_settings(client), "reply") == Delivery.OFF
    _reply(member, followed, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=second_member).count() == 1


def test_one_click_unsubscribe_shows_on_the_notification_settings(
    client, second_member
):
    from forums import tokens

    for scope in (tokens.MENTIONS, tokens.POST_EMAILS):
        token = tokens.unsubscribe_token(user=second_member, scope=scope)
        client.post(reverse("forums:unsubscribe", args=[token]))

    client.force_login(second_member)
    page = _notification_settings(client)
    assert _checked(page, "mention") == Delivery.SITE
    assert _checked(page, "reply") == Delivery.SITE
    assert _checked(_forum_settings(client), "delivery") == "off"
