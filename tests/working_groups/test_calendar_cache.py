"""Calendar files are rendered once and kept; a published change, or an event
that becomes visible, shows at once (the kept copy is keyed by what it shows)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests.factories.events import EventFactory
from working_groups.models import EventPage

pytestmark = pytest.mark.django_db


def summaries(response) -> list[str]:
    return sorted(
        str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).events
    )


def test_a_published_change_is_in_the_calendar_at_once(client, home_page):
    event = EventFactory(title="Census webinar")
    assert summaries(client.get("/events/calendar.ics")) == ["Census webinar"]

    event = EventPage.objects.get(pk=event.pk)
    event.title = "Census webinar (new date)"
    event.save_revision().publish()
    EventFactory(title="Payroll clinic")

    assert summaries(client.get("/events/calendar.ics")) == [
        "Census webinar (new date)",
        "Payroll clinic",
    ]


def test_a_repeated_calendar_request_is_not_rendered_again(client, home_page):
    for number in range(5):
        EventFactory(title=f"Webinar {number}")
    first = client.get("/events/calendar.ics").content

    an_hour_later = timezone.now() + timedelta(hours=1)
    with mock.patch("django.utils.timezone.now", return_value=an_hour_later):
        second = client.get("/events/calendar.ics").content

    # The same file, its DTSTAMP included: kept, not rendered again.
    assert second == first
