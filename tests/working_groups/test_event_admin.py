"""Creating events in the Wagtail admin, as a group moderator does: times are
read in the event's own zone, and bad input comes back with clear errors and the
text kept."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from tests.factories import event_index_get_or_create
from working_groups.models import EventPage


def event_form(**overrides):
    data = {
        "title": "Data standards clinic",
        "slug": "data-standards-clinic",
        "introduction": "Bring your questions about data standards.",
        "event_type": "workshop",
        "start": "2026-03-29 10:00",
        "end": "2026-03-29 12:00",
        "time_zone": "Europe/Paris",
        "online_url": "https://meet.example.org/clinic",
        "venue": "",
        "address": "",
        "description": rich_text(""),
        "agenda": rich_text("<p>Questions and answers</p>"),
        "speakers": inline_formset([]),
        "materials": inline_formset([]),
        "registration_open": "on",
        "capacity": "20",
        "visibility": "public",
        "tags": "standards",
        "cancellation_note": "",
        "seo_title": "",
        "search_description": "",
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def add_url(parent):
    return reverse(
        "wagtailadmin_pages:add", args=["working_groups", "eventpage", parent.pk]
    )


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def test_times_are_read_in_the_events_zone_on_both_sides_of_a_dst_change(
    group, moderator_client
):
    # Paris moves from UTC+1 to UTC+2 in the night of 28 to 29 March 2026.
    moderator_client.post(
        add_url(group),
        event_form(
            title="Before",
            slug="before",
            start="2026-03-28 10:00",
            end="2026-03-28 12:00",
        ),
    )
    moderator_client.post(
        add_url(group),
        event_form(title="After", slug="after"),
    )

    before = EventPage.objects.get(slug="before")
    after = EventPage.objects.get(slug="after")
    assert before.start == datetime(2026, 3, 28, 9, 0, tzinfo=UTC)
    assert after.start == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert after.end == datetime(2026, 3, 29, 10, 0, tzinfo=UTC)
    assert before.start_local.hour == after.start_local.hour == 10
    assert after.group == group


def test_edit_form_shows_the_stored_time_in_the_events_zone(group, moderator_client):
    moderator_client.post(add_url(group), event_form())
    event = EventPage.objects.get(slug="data-standards-clinic")

    response = moderator_client.get(reverse("wagtailadmin_pages:edit", args=[event.pk]))

    assert 'value="2026-03-29 10:00"' in response.text
    assert 'value="Europe/Paris"' in response.text


def test_a_time_that_does_not_exist_in_the_zone_is_refused(group, moderator_client):
    response = moderator_client.post(
        add_url(group), event_form(start="2026-03-29 02:30", end="2026-03-29 04:00")
    )

    assert response.status_code == 200
    assert "2026-03-29 02:30 does not exist in Europe/Paris" in response.text
    assert not EventPage.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"start": "2026-05-10 15:00", "end": "2026-05-10 09:00"},
            "The event must end after it starts.",
        ),
        ({"capacity": "-5"}, "Ensure this value is greater than or equal to 0."),
        ({"time_zone": "Mars/Olympus"}, "is not a known time zone"),
        ({"online_url": "", "venue": ""}, "Give an online link, a venue, or both."),
    ],
)
def test_bad_input_is_explained_and_the_text_kept(
    group, moderator_client, overrides, message
):
    response = moderator_client.post(
        add_url(group),
        event_form(title="My carefully typed title", **overrides),
    )

    assert response.status_code == 200
    assert message in response.text
    assert 'value="My carefully typed title"' in response.text
    for value in overrides.values():
        if value:
            assert f'value="{value}"' in response.text
    assert not EventPage.objects.exists()


def test_site_wide_events_cannot_be_members_only(db, staff, client):
    client.force_login(staff)
    index = event_index_get_or_create()

    response = client.post(add_url(index), event_form(visibility="members"))

    assert response.status_code == 200
    assert "Only a working group&#x27;s events can be members-only" in response.text


def test_event_slugs_are_unique_across_the_site(group, other_group, staff, client):
    client.force_login(staff)
    client.post(add_url(group), event_form())

    response = client.post(add_url(other_group), event_form())

    assert "Another event already uses the address /events/data-standards-clinic/" in (
        response.text
    )
    assert EventPage.objects.count() == 1


def test_moderators_cannot_add_events_to_another_group(
    group, other_group, moderator_client
):
    response = moderator_client.post(add_url(other_group), event_form())

    assert response.status_code in (302, 403)
    assert not EventPage.objects.exists()


def test_the_country_is_chosen_in_the_admin_and_lists_the_event_there(
    group, moderator_client
):
    moderator_client.post(
        add_url(group),
        {
            **event_form(venue="King Fahd Palace", address="Dakar", country="SN"),
            "action-publish": "publish",
        },
    )
    event = EventPage.objects.get(slug="data-standards-clinic")
    assert event.country == "SN" and event.live
    edit = moderator_client.get(reverse("wagtailadmin_pages:edit", args=[event.pk]))
    assert '<option value="SN" selected>' in edit.text
    country = moderator_client.get(reverse("places:country", args=["sn"]))
    assert "Data standards clinic" in country.text
