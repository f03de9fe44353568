"""Group 1's moderator runs the group's events from the group space: creates an
event, duplicates it for the next month, cancels the copy, and after last
week's webinar files its recording, which appears in the library."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

import portal.demo
import working_groups.demo
from knowledge.services import knowledge_index_get_or_create
from portal.demo import DEMO_USERS
from tests.factories import EventFactory
from working_groups.models import EventMaterial, EventPage

PAST_WEBINAR = "Webinar on school census data quality"
RECORDING = "Recording: school census data quality"
# Required fields' labels end with a "*" hidden from screen readers.
TITLE_LABEL = re.compile(r"^Title")


def demo_user(key):
    _key, email, name, password, _staff = next(u for u in DEMO_USERS if u[0] == key)
    return email, name, password


@pytest.fixture
def group_one(transactional_db):
    context = portal.demo.DemoContext(write=lambda text: None)
    portal.demo.load(context)
    working_groups.demo.load(context)
    knowledge_index_get_or_create()
    group = context.objects["groups"][0]
    start = timezone.now() - timedelta(days=3)
    EventFactory(
        group=group,
        title=PAST_WEBINAR,
        slug="webinar-census-quality",
        start=start,
        end=start + timedelta(hours=1),
    )
    return group


def test_moderator_creates_duplicates_cancels_and_files_a_recording(
    page, group_one, sign_in
):
    email, _name, password = demo_user("moderator")
    sign_in(page, email, password)

    # From the group space to the group's events.
    page.goto(group_one.url)
    page.get_by_role("link", name="Manage the group's events").click()
    page.get_by_role("link", name="New event").click()

    # A new event, published at once.
    page.get_by_label(TITLE_LABEL).fill("Interoperability clinic")
    page.get_by_label("Summary").fill("Bring your data exchange questions.")
    page.get_by_label("Event type").select_option("workshop")
    page.get_by_label("Starts").fill("2031-04-05T10:00")
    page.get_by_label("Ends").fill("2031-04-05T12:00")
    page.get_by_label("Time zone").select_option("Africa/Nairobi")
    page.get_by_label("Online link").fill("https://meet.example.org/interop")
    page.get_by_label("Capacity").fill("40")
    # Two speakers: the blank row, then one more; Lin is moved first.
    speakers = page.locator("[data-speaker-form]")
    speakers.nth(0).get_by_label("Name").fill("Amina Diallo")
    speakers.nth(0).get_by_label("Affiliation").fill("UNESCO")
    page.get_by_role("button", name="Add a speaker").click()
    speakers.nth(1).get_by_label("Name").fill("Lin Wei")
    speakers.nth(0).get_by_label("Position").fill("2")
    speakers.nth(1).get_by_label("Position").fill("1")
    # A mistake is refused, and nothing typed is lost.
    page.get_by_label("Ends").fill("2031-04-05T09:00")
    page.get_by_role("button", name="Publish").click()
    expect(
        page.get_by_text("The event must end after it starts.").first
    ).to_be_visible()
    expect(speakers.nth(1).get_by_label("Name")).to_have_value("Lin Wei")
    expect(speakers.nth(0).get_by_label("Affiliation")).to_have_value("UNESCO")
    page.get_by_label("Ends").fill("2031-04-05T12:00")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text(
        "“Interoperability clinic” is published."
    )
    expect(page.get_by_text("Interoperability clinic", exact=True)).to_be_visible()
    event = EventPage.objects.get(title="Interoperability clinic")
    assert event.live and event.group_id == group_one.pk
    assert [s.name for s in event.speakers.all()] == ["Lin Wei", "Amina Diallo"]

    # Duplicated for the next month: a draft, given new dates, then published.
    page.get_by_role("button", name="Duplicate Interoperability clinic").click()
    expect(page.get_by_label(TITLE_LABEL)).to_have_value(
        "Interoperability clinic (copy)"
    )
    page.get_by_label(TITLE_LABEL).fill("Interoperability clinic, May")
    page.get_by_label("Starts").fill("2031-05-03T10:00")
    page.get_by_label("Ends").fill("2031-05-03T12:00")
    # Amina cannot come in May.
    speakers.filter(has=page.locator('input[value="Amina Diallo"]')).get_by_label(
        "Remove this speaker"
    ).check()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("is published.")
    may = EventPage.objects.get(title="Interoperability clinic, May")
    assert [s.name for s in may.speakers.all()] == ["Lin Wei"]

    # The copy is cancelled, with a note for anyone registered.
    page.get_by_role("link", name="Cancel Interoperability clinic, May").click()
    page.get_by_label("Note to the people registered").fill("Moved to June.")
    page.get_by_role("button", name="Cancel the event").click()
    expect(page.get_by_role("status")).to_contain_text("The event is cancelled")
    copy = EventPage.objects.get(title="Interoperability clinic, May")
    assert copy.cancelled and copy.live
    page.goto(copy.url)
    expect(page.get_by_text("This event has been cancelled.")).to_be_visible()

    # Last week's webinar gets its recording, filed into the library.
    page.goto(group_one.url)
    page.get_by_role("link", name="Manage the group's events").click()
    page.get_by_role("link", name=f"Recording and slides of {PAST_WEBINAR}").click()
    page.get_by_label("Kind").select_option("recording")
    page.get_by_label(TITLE_LABEL).fill(RECORDING)
    page.get_by_label("Link").fill("https://video.example.org/census-quality")
    page.get_by_role("button", name="File into the library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PAST_WEBINAR)
    expect(page.get_by_role("link", name=RECORDING)).to_be_visible()
    assert EventMaterial.objects.filter(resource__title=RECORDING).exists()

    # In the library, and the resource links back to its event.
    page.goto("/knowledge/")
    page.get_by_role("link", name=RECORDING).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(RECORDING)
    expect(page.get_by_role("link", name=PAST_WEBINAR).first).to_be_visible()
