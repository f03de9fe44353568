"""Events: canonical URLs, listing and filters, registration with capacity and a
waiting list, cancellations, iCalendar and Atom output."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from icalendar import Calendar

from tests.factories import (
    EventFactory,
    EventRegistrationFactory,
    MembershipFactory,
    UserFactory,
    WorkingGroupFactory,
)
from working_groups.models import EventPage, EventRegistration, Visibility
from working_groups.selectors import event_list_upcoming
from working_groups.services import event_rsvp

Going = EventRegistration.Status.GOING
Waitlisted = EventRegistration.Status.WAITLISTED
NotGoing = EventRegistration.Status.NOT_GOING


def publish(event: EventPage, **changes) -> EventPage:
    event = EventPage.objects.get(pk=event.pk)
    for name, value in changes.items():
        setattr(event, name, value)
    event.save_revision().publish()
    return EventPage.objects.get(pk=event.pk)


def parse(response) -> Calendar:
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


# --- URLs ------------------------------------------------------------------------


def test_group_events_live_at_events_slug(client, group):
    event = EventFactory(group=group, title="Standards webinar")

    assert event.url == "/events/standards-webinar/"
    assert event.group == group
    response = client.get("/events/standards-webinar/")
    assert response.status_code == 200
    assert "Standards webinar" in response.text


def test_the_tree_path_redirects_permanently_to_the_canonical_url(client, group):
    EventFactory(group=group, title="Standards webinar")

    response = client.get(f"/working-groups/{group.slug}/standards-webinar/?x=1")

    assert response.status_code == 301
    assert response["Location"] == "/events/standards-webinar/?x=1"


def test_unknown_event_slug_is_404(client, db):
    EventFactory(title="Known")

    assert client.get("/events/unknown/").status_code == 404
    assert client.get("/events/known/extra/").status_code == 404


# --- listing --------------------------------------------------------------------------


def test_events_list_upcoming_and_past_with_filters(client, group, other_group):
    now = timezone.now()
    webinar = EventFactory(group=group, title="Webinar A", tags=["standards"])
    EventFactory(group=other_group, title="Workshop B", event_type="workshop")
    EventFactory(
        title="Past conference",
        event_type="conference",
        start=now - timedelta(days=30),
        end=now - timedelta(days=29),
    )

    upcoming = client.get("/events/").text
    assert "Webinar A" in upcoming and "Workshop B" in upcoming
    assert "Past conference" not in upcoming
    past = client.get("/events/?past=1").text
    assert "Past conference" in past and "Webinar A" not in past

    by_type = client.get("/events/?type=workshop").text
    assert "Workshop B" in by_type and "Webinar A" not in by_type
    by_group = client.get(f"/events/?group={group.slug}").text
    assert "Webinar A" in by_group and "Workshop B" not in by_group
    by_tag = client.get("/events/?tag=standards").text
    assert "Webinar A" in by_tag and "Workshop B" not in by_tag
    assert webinar.url in by_tag
    empty = client.get("/events/?type=symposium").text
    assert "No events match these filters." in empty


def test_events_list_hides_members_only_events_from_non_members(
    client, group, member, outsider
):
    EventFactory(group=group, title="Members clinic", visibility=Visibility.MEMBERS)
    EventFactory(group=group, title="Open webinar")

    client.force_login(outsider)
    assert "Members clinic" not in client.get("/events/").text
    client.force_login(member)
    listing = client.get("/events/").text
    assert "Members clinic" in listing and "Members only" in listing


def test_events_list_is_paginated_with_a_small_query_budget(
    client, group, django_assert_max_num_queries
):
    start = timezone.now() + timedelta(days=3)
    for number in range(14):
        EventFactory(
            group=group,
            title=f"Session {number:02d}",
            start=start + timedelta(days=number),
            end=start + timedelta(days=number, hours=1),
            tags=["series"],
        )

    with django_assert_max_num_queries(30):
        first = client.get("/events/")
    second = client.get("/events/?page=2")

    assert "Session 00" in first.text and "Session 12" not in first.text
    assert "Session 12" in second.text and "Page 2 of 2" in second.text


def test_featured_events_are_highlighted(client, group):
    EventFactory(group=group, title="Curated webinar", featured=True)

    response = client.get("/events/")

    assert response.context["featured_events"][0].title == "Curated webinar"


def test_home_page_upcoming_events_respect_visibility(group, member, outsider):
    now = timezone.now()
    EventFactory(group=group, title="Members clinic", visibility=Visibility.MEMBERS)
    EventFactory(
        title="Soon",
        start=now + timedelta(days=1),
        end=now + timedelta(days=1, hours=1),
    )
    EventFactory(
        title="Over",
        start=now - timedelta(days=2),
        end=now - timedelta(days=2, hours=-1),
    )

    assert [e.title for e in event_list_upcoming(user=outsider)] == ["Soon"]
    assert [e.title for e in event_list_upcoming(user=member)] == [
        "Soon",
        "Members clinic",
    ]


# --- registration -------------------------------------------------------------------


def test_capacity_fills_then_the_waiting_list_moves_up_on_cancellation(
    db, mail_on_commit
):
    event = EventFactory(title="Small workshop", capacity=2)
    first, second, third, fourth = (UserFactory() for _ in range(4))

    with mail_on_commit():
        assert event_rsvp(event=event, user=first, going=True).status == Going
        assert event_rsvp(event=event, user=second, going=True).status == Going
        assert event_rsvp(event=event, user=third, going=True).status == Waitlisted
        assert event_rsvp(event=event, user=fourth, going=True).status == Waitlisted
    mail_on_commit.outbox.clear()

    with mail_on_commit():
        event_rsvp(event=event, user=first, going=False)

    statuses = dict(
        EventRegistration.objects.filter(event=event).values_list("user", "status")
    )
    assert statuses == {
        first.pk: NotGoing,
        second.pk: Going,
        third.pk: Going,  # first on the waiting list
        fourth.pk: Waitlisted,
    }
    promoted = [m for m in mail_on_commit.outbox if third.email in m.to]
    assert promoted and "A place opened up" in promoted[0].subject


def test_answering_twice_changes_nothing(db):
    event = EventFactory(capacity=1)
    user = UserFactory()

    first = event_rsvp(event=event, user=user, going=True)
    again = event_rsvp(event=event, user=user, going=True)

    assert again.pk == first.pk and again.status == Going
    assert EventRegistration.objects.filter(event=event).count() == 1


def test_leaving_the_waiting_list_does_not_promote_anyone(db):
    event = EventFactory(capacity=1)
    going, waiting, later = (UserFactory() for _ in range(3))
    event_rsvp(event=event, user=going, going=True)
    event_rsvp(event=event, user=waiting, going=True)
    event_rsvp(event=event, user=later, going=True)

    event_rsvp(event=event, user=waiting, going=False)

    assert EventRegistration.objects.get(user=going).status == Going
    assert EventRegistration.objects.get(user=later).status == Waitlisted


def test_raising_the_capacity_lets_the_waiting_list_in(db, mail_on_commit):
    event = EventFactory(capacity=1)
    users = [UserFactory() for _ in range(3)]
    for user in users:
        event_rsvp(event=event, user=user, going=True)

    with mail_on_commit():
        publish(event, capacity=2)

    assert [EventRegistration.objects.get(user=user).status for user in users] == [
        Going,
        Going,
        Waitlisted,
    ]


def test_rsvp_page_flow_shows_the_waiting_list_position(client, db):
    event = EventFactory(title="Tiny", capacity=1)
    EventRegistrationFactory(event=event)
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        f"/events/{event.slug}/rsvp/", {"response": "going"}, follow=True
    )

    assert "you are on the waiting list" in response.text
    assert "You are on the waiting list (number 1)." in response.text


def test_visitors_are_asked_to_sign_in_to_register(client, db):
    event = EventFactory(title="Open")

    page = client.get(event.url)
    response = client.post(f"/events/{event.slug}/rsvp/", {"response": "going"})

    assert "Sign in to register" in page.text
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not EventRegistration.objects.exists()


def test_members_only_events_take_registrations_from_members_only(
    group, member, outsider
):
    event = EventFactory(group=group, visibility=Visibility.MEMBERS)

    with pytest.raises(PermissionDenied):
        event_rsvp(event=event, user=outsider, going=True)
    assert event_rsvp(event=event, user=member, going=True).status == Going


def test_past_events_take_no_registrations(db):
    now = timezone.now()
    event = EventFactory(start=now - timedelta(days=2), end=now - timedelta(days=1))

    with pytest.raises(PermissionDenied):
        event_rsvp(event=event, user=UserFactory(), going=True)


# --- cancellations and updates --------------------------------------------------------


def test_cancelling_tells_registrants_and_closes_registration(
    client, db, mail_on_commit
):
    event = EventFactory(title="Forum meeting")
    going = EventRegistrationFactory(event=event).user
    sequence_before = EventPage.objects.get(pk=event.pk).sequence

    with mail_on_commit():
        event = publish(event, cancelled=True, cancellation_note="Postponed.")

    assert event.sequence == sequence_before + 1
    cancelled_mail = [m for m in mail_on_commit.outbox if going.email in m.to]
    assert cancelled_mail and cancelled_mail[0].subject.endswith(
        "Cancelled: Forum meeting"
    )
    assert "Postponed." in cancelled_mail[0].body
    with pytest.raises(PermissionDenied):
        event_rsvp(event=event, user=UserFactory(), going=True)
    page = client.get(event.url).text
    assert "This event has been cancelled." in page and "Postponed." in page
    assert "Cancelled" in client.get("/events/").text
    vevent = parse(client.get(f"/events/{event.slug}/event.ics")).events[0]
    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["SEQUENCE"] == event.sequence


def test_moving_an_event_raises_the_sequence_and_tells_registrants(db, mail_on_commit):
    event = EventFactory(title="Webinar")
    going = EventRegistrationFactory(event=event).user

    with mail_on_commit():
        moved = publish(
            event,
            start=event.start + timedelta(days=1),
            end=event.end + timedelta(days=1),
        )
        unchanged = publish(moved, introduction="Only the summary changed.")

    assert moved.sequence == 1
    assert unchanged.sequence == 1
    updates = [m for m in mail_on_commit.outbox if going.email in m.to]
    assert len(updates) == 1 and "Updated: Webinar" in updates[0].subject


# --- iCalendar and Atom -----------------------------------------------------------------


def test_event_ics_round_trips_with_its_time_zone(client, db):
    event = EventFactory(
        title="Spring webinar; Q&A, part 1",
        start=datetime(2026, 3, 29, 8, 0, tzinfo=UTC),
        end=datetime(2026, 3, 29, 9, 30, tzinfo=UTC),
        time_zone="Europe/Paris",
        venue="UNESCO, Room IX",
        event_type="webinar",
    )

    calendar = parse(client.get(f"/events/{event.slug}/event.ics"))

    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    vevent = calendar.events[0]
    assert str(vevent["SUMMARY"]) == "Spring webinar; Q&A, part 1"
    assert vevent.start == datetime(2026, 3, 29, 10, 0, tzinfo=vevent.start.tzinfo)
    assert str(vevent.start.tzinfo) == "Europe/Paris"
    assert vevent.start.utcoffset() == timedelta(hours=2)
    assert vevent.end - vevent.start == timedelta(minutes=90)
    assert vevent.get("DTSTART").params["TZID"] == "Europe/Paris"
    assert vevent["UID"].startswith(f"event-{event.pk}@")
    assert vevent["SEQUENCE"] == 0 and vevent["STATUS"] == "CONFIRMED"
    assert str(vevent["URL"]).endswith(f"/events/{event.slug}/")
    assert "UNESCO, Room IX" in str(vevent["LOCATION"])
    zones = {str(tz["TZID"]) for tz in calendar.timezones}
    assert zones == {"Europe/Paris"}
    offsets = {
        sub["TZOFFSETTO"].td for tz in calendar.timezones for sub in tz.subcomponents
    }
    assert {timedelta(hours=1), timedelta(hours=2)} <= offsets


def test_site_calendar_and_feed_never_carry_private_events(client, group, member):
    EventFactory(group=group, title="Members clinic", visibility=Visibility.MEMBERS)
    private_group = WorkingGroupFactory(visibility=Visibility.MEMBERS)
    MembershipFactory(user=member, group=private_group)
    EventFactory(group=private_group, title="Private group meetup")
    EventFactory(group=group, title="Open webinar")

    client.force_login(member)  # even for members: public feeds are public
    calendar = parse(client.get("/events/calendar.ics"))
    feed = client.get("/feeds/events/")

    assert [str(e["SUMMARY"]) for e in calendar.events] == ["Open webinar"]
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "Open webinar" in feed.text
    assert "Members clinic" not in feed.text and "Private group meetup" not in feed.text


def test_group_calendar_gives_members_their_private_events(
    client, group, member, outsider
):
    EventFactory(group=group, title="Members clinic", visibility=Visibility.MEMBERS)
    EventFactory(group=group, title="Open webinar")
    EventFactory(title="Site-wide conference")
    url = f"/working-groups/{group.slug}/calendar.ics"

    anonymous = parse(client.get(url))
    client.force_login(outsider)
    non_member = parse(client.get(url))
    client.force_login(member)
    member_response = client.get(url)

    assert [str(e["SUMMARY"]) for e in anonymous.events] == ["Open webinar"]
    assert [str(e["SUMMARY"]) for e in non_member.events] == ["Open webinar"]
    assert sorted(str(e["SUMMARY"]) for e in parse(member_response).events) == [
        "Members clinic",
        "Open webinar",
    ]
    assert "private" in member_response["Cache-Control"]


def test_members_only_event_ics_needs_membership(client, group, member, outsider):
    event = EventFactory(group=group, visibility=Visibility.MEMBERS)
    url = f"/events/{event.slug}/event.ics"

    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_materials_keep_their_own_visibility(client, group, member, outsider):
    from tests.factories import ResourceFactory
    from working_groups.models import EventMaterial

    now = timezone.now()
    event = EventFactory(
        group=group,
        title="Past webinar",
        start=now - timedelta(days=3),
        end=now - timedelta(days=3, hours=-1),
    )
    recording = ResourceFactory(
        parent=group, title="Webinar recording", format="webinar"
    )
    slides = ResourceFactory(
        parent=group, title="Members' slides", visibility=Visibility.MEMBERS
    )
    event = EventPage.objects.get(pk=event.pk)
    event.materials = [
        EventMaterial(resource=recording, kind="recording"),
        EventMaterial(resource=slides, kind="slides"),
    ]
    event.save_revision().publish()

    client.force_login(outsider)
    public_view = client.get(event.url).text
    client.force_login(member)
    member_view = client.get(event.url).text

    assert "Webinar recording" in public_view and "Recording" in public_view
    assert "Members&#x27; slides" not in public_view
    assert "Members&#x27; slides" in member_view and "Slides" in member_view
