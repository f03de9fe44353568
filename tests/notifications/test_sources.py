"""Every event a member cares about reaches their notifications, and their
choice of delivery decides whether the app's own email goes too."""

import pytest
from django.urls import reverse

from notifications.models import Delivery, Kind, Notification
from notifications.selectors import unread_count
from notifications.services import (
    notification_mark_read,
    notification_preferences_update,
    notifications_mark_all_read,
)
from tests.factories import UserFactory, WorkingGroupFactory
from tests.factories.events import EventFactory, EventRegistrationFactory
from working_groups.models import EventPage, Membership
from working_groups.services import (
    event_rsvp,
    group_moderation_setup,
    membership_approve,
    membership_decline,
    membership_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderated_group(home_page, moderator):
    return group_moderation_setup(group=moderator.memberships.get().group)


def _ask(user, group, capture):
    with capture(execute=True):
        return membership_request(user=user, group=group, motivation="Census work")


@pytest.mark.parametrize(
    ("decide", "verb", "text"),
    [
        (membership_approve, "membership_approved", "was approved"),
        (membership_decline, "membership_declined", "was declined"),
    ],
)
def test_join_decisions_reach_the_applicant(
    decide,
    verb,
    text,
    client,
    moderated_group,
    moderator,
    outsider,
    django_capture_on_commit_callbacks,
):
    request = _ask(outsider, moderated_group, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        decide(membership=request, actor=moderator)

    note = Notification.objects.get(recipient=outsider)
    assert (note.kind, note.verb) == (Kind.MEMBERSHIP, verb)
    client.force_login(outsider)
    page = client.get(reverse("notifications:list")).text
    assert text in page and moderated_group.title in page


def test_site_only_join_decisions_send_no_email(
    moderated_group, moderator, outsider, django_capture_on_commit_callbacks, mailoutbox
):
    notification_preferences_update(
        user=outsider, choices={Kind.MEMBERSHIP: Delivery.SITE}
    )
    request = _ask(outsider, moderated_group, django_capture_on_commit_callbacks)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        membership_approve(membership=request, actor=moderator)

    assert Notification.objects.filter(recipient=outsider).exists()
    assert outsider.email not in [address for m in mailoutbox for address in m.to]


def test_a_place_from_the_waiting_list_is_notified(
    db, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Small workshop", capacity=1)
    first, second = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        event_rsvp(event=event, user=first, going=True)
        event_rsvp(event=event, user=second, going=True)
        event_rsvp(event=event, user=first, going=False)

    note = Notification.objects.get(recipient=second)
    assert (note.kind, note.verb, note.title) == (
        Kind.WAITLIST,
        "waitlist_promoted",
        "Small workshop",
    )


def test_a_cancelled_event_is_notified_to_who_registered(
    db, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(title="Forum meeting")
    going = EventRegistrationFactory(event=event).user
    quiet = EventRegistrationFactory(event=event).user
    notification_preferences_update(user=quiet, choices={Kind.EVENT: Delivery.SITE})

    with django_capture_on_commit_callbacks(execute=True):
        page = EventPage.objects.get(pk=event.pk)
        page.cancelled = True
        page.save_revision().publish()

    assert set(
        Notification.objects.filter(verb="event_cancelled").values_list(
            "recipient", flat=True
        )
    ) == {going.pk, quiet.pk}
    emailed = [address for m in mailoutbox for address in m.to]
    assert going.email in emailed and quiet.email not in emailed


def test_members_only_event_changes_skip_who_left_the_group(
    home_page, django_capture_on_commit_callbacks
):
    from tests.factories import MembershipFactory

    group = WorkingGroupFactory(title="Closed group")
    event = EventFactory(title="Members clinic", group=group, visibility="members")
    stayed = MembershipFactory(group=group).user
    left = MembershipFactory(group=group).user
    for user in (stayed, left):
        EventRegistrationFactory(event=event, user=user)
    Membership.objects.filter(user=left).update(status=Membership.Status.LEFT)

    with django_capture_on_commit_callbacks(execute=True):
        page = EventPage.objects.get(pk=event.pk)
        page.cancelled = True
        page.save_revision().publish()

    assert list(Notification.objects.values_list("recipient", flat=True)) == [stayed.pk]


def test_the_unread_count_follows_every_action(
    client, moderated_group, moderator, outsider, django_capture_on_commit_callbacks
):
    client.force_login(outsider)
    assert "data-unread-count" not in client.get(reverse("notifications:list")).text

    request = _ask(outsider, moderated_group, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        membership_approve(membership=request, actor=moderator)
    event = EventFactory(title="Webinar")
    EventRegistrationFactory(event=event, user=outsider)
    with django_capture_on_commit_callbacks(execute=True):
        page = EventPage.objects.get(pk=event.pk)
        page.cancelled = True
        page.save_revision().publish()
    assert unread_count(user=UserFactory._meta.model.objects.get(pk=outsider.pk)) == 2
    assert "2 unread" in client.get("/events/").text

    first = Notification.objects.filter(recipient=outsider).first()
    response = client.get(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == first.url
    assert "1 unread" in client.get("/events/").text

    client.post(reverse("notifications:read_all"))
    assert "data-unread-count" not in client.get("/events/").text


def test_each_member_reads_and_marks_only_their_own(
    client, moderated_group, moderator, outsider, django_capture_on_commit_callbacks
):
    request = _ask(outsider, moderated_group, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        membership_approve(membership=request, actor=moderator)
    note = Notification.objects.get(recipient=outsider)
    stranger = UserFactory()
    client.force_login(stranger)

    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[note.pk])).status_code == 404
    assert notifications_mark_all_read(user=stranger) == 0
    with pytest.raises(PermissionError):
        notification_mark_read(user=stranger, notification=note)
    note.refresh_from_db()
    assert note.read_at is None


def test_marking_needs_a_csrf_token(outsider):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(outsider)
    assert client.post(reverse("notifications:read_all")).status_code == 403


def test_visitors_are_sent_to_sign_in(client, db):
    for name in ("notifications:list", "notifications:preferences"):
        response = client.get(reverse(name))
        assert (
            response.status_code == 302 and "/accounts/login/" in response["Location"]
        )


def test_the_preferences_page_changes_delivery(client, outsider):
    client.force_login(outsider)
    page = client.get(reverse("notifications:preferences")).text
    assert "Mentions of you" in page

    data = dict.fromkeys(Kind.values, Delivery.EMAIL)
    data[Kind.SAVED_SEARCH] = Delivery.OFF
    response = client.post(reverse("notifications:preferences"), data)

    assert response.status_code == 302
    from notifications.preferences import deliveries_for

    chosen = deliveries_for(outsider)
    assert chosen[Kind.SAVED_SEARCH] == Delivery.OFF
    assert chosen[Kind.MENTION] == Delivery.EMAIL
