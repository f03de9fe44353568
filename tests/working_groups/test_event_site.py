"""A group's moderators run their events from the group space, with the admin's
validation and workflow: create, edit, duplicate, cancel, and file the recording
and slides into the library afterwards."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from knowledge.models import ResourcePage
from knowledge.services import knowledge_index_get_or_create
from tests.factories import (
    EventFactory,
    EventRegistrationFactory,
    WorkingGroupFactory,
    event_index_get_or_create,
)
from working_groups.models import EventMaterial, EventPage, EventSpeaker, Visibility
from working_groups.services import group_moderation_setup


def event_data(**overrides):
    data = {
        "title": "Data standards clinic",
        "introduction": "Bring your questions about data standards.",
        "event_type": "workshop",
        "start": "2031-04-05T10:00",
        "end": "2031-04-05T12:00",
        "time_zone": "Europe/Paris",
        "online_url": "https://meet.example.org/clinic",
        "venue": "",
        "address": "",
        "description_text": "We look at <b>codes</b>.\n\nSecond paragraph.",
        "agenda_text": "",
        "capacity": "20",
        "registration_open": "on",
        "visibility": "public",
        "tags": "standards",
        "action": "publish",
        "speakers-TOTAL_FORMS": "0",
        "speakers-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def speakers_data(*rows, initial=0):
    """The speakers' rows as the form posts them: dicts of name, affiliation,
    topic, ORDER, and id and DELETE for speakers already saved."""
    data = {
        "speakers-TOTAL_FORMS": str(len(rows)),
        "speakers-INITIAL_FORMS": str(initial),
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"speakers-{index}-{key}"] = value
    return data


def url(name, group, *args):
    return reverse(f"working_groups:{name}", args=[group.slug, *args])


@pytest.fixture
def moderator_client(client, moderator):
    event_index_get_or_create()
    knowledge_index_get_or_create()
    client.force_login(moderator)
    return client


# --- creating ---------------------------------------------------------------------


def test_a_moderator_creates_and_publishes_an_event_from_the_group_space(
    group, moderator, moderator_client
):
    page = moderator_client.get(group.url).text
    assert url("group_events", group) in page

    response = moderator_client.post(url("event_create", group), event_data())

    assert response.status_code == 302
    event = EventPage.objects.get(title="Data standards clinic")
    assert event.live and event.group == group and event.slug == "data-standards-clinic"
    # Read in the event's zone, as the admin does (Paris is UTC+2 then).
    assert event.start == datetime(2031, 4, 5, 8, 0, tzinfo=UTC)
    # Typed text is escaped, never HTML.
    assert "&lt;b&gt;codes&lt;/b&gt;" in event.description
    assert "<p>Second paragraph.</p>" in event.description
    assert [tag.name for tag in event.tags.all()] == ["standards"]
    assert event.latest_revision.user == moderator
    assert PageLogEntry.objects.filter(
        page=event, action="wagtail.publish", user=moderator
    ).exists()
    listing = moderator_client.get(url("group_events", group)).text
    assert "Data standards clinic" in listing
    assert "Data standards clinic" in Client().get("/events/").text


def test_the_site_form_refuses_what_the_admin_refuses(group, moderator_client):
    response = moderator_client.post(
        url("event_create", group),
        event_data(end="2031-04-05T09:00", online_url=""),
    )

    assert response.status_code == 400
    assert "The event must end after it starts." in response.text
    assert "Give an online link, a venue, or both." in response.text
    # The text typed is kept.
    assert "Bring your questions about data standards." in response.text
    assert not EventPage.objects.filter(title="Data standards clinic").exists()


def test_a_time_skipped_by_the_clock_change_is_refused(group, moderator_client):
    response = moderator_client.post(
        url("event_create", group),
        event_data(start="2031-03-30T02:30", end="2031-03-30T04:00"),
    )

    assert response.status_code == 400
    assert "does not exist in Europe/Paris" in response.text


def test_a_draft_stays_off_the_site_until_published(group, moderator_client):
    moderator_client.post(url("event_create", group), event_data(action="draft"))

    event = EventPage.objects.get(title="Data standards clinic")
    assert not event.live
    assert "Data standards clinic" not in Client().get("/events/").text
    assert "Draft" in moderator_client.get(url("group_events", group)).text

    moderator_client.post(url("event_edit", group, event.pk), event_data())

    assert EventPage.objects.get(pk=event.pk).live


def test_slugs_stay_unique_across_all_events(group, moderator_client):
    EventFactory(title="Data standards clinic")

    moderator_client.post(url("event_create", group), event_data())

    assert EventPage.objects.get(group=group).slug == "data-standards-clinic-2"


# --- editing ---------------------------------------------------------------------------


def test_moving_an_event_from_the_site_tells_registrants(
    group, moderator_client, mail_on_commit
):
    event = EventFactory(group=group, title="Webinar on registers")
    going = EventRegistrationFactory(event=event).user
    form = moderator_client.get(url("event_edit", group, event.pk)).text
    assert "Webinar on registers" in form

    start = (event.start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    end = (event.end + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    with mail_on_commit():
        response = moderator_client.post(
            url("event_edit", group, event.pk),
            event_data(
                title="Webinar on registers", start=start, end=end, time_zone="UTC"
            ),
        )

    assert response.status_code == 302
    event = EventPage.objects.get(pk=event.pk)
    assert event.sequence == 1
    updates = [m for m in mail_on_commit.outbox if going.email in m.to]
    assert len(updates) == 1 and "Updated: Webinar on registers" in updates[0].subject


def test_rich_text_written_in_the_admin_survives_an_edit_that_leaves_it_alone(
    group, moderator_client
):
    event = EventFactory(
        group=group,
        description='<p>See <a href="https://example.org">the notes</a>.</p>',
        time_zone="UTC",
    )
    form = moderator_client.get(url("event_edit", group, event.pk))
    description_text = form.context["form"].initial["description_text"]
    assert description_text == "See the notes."

    moderator_client.post(
        url("event_edit", group, event.pk),
        event_data(
            title=event.title,
            description_text=description_text,
            start=event.start.strftime("%Y-%m-%dT%H:%M"),
            end=event.end.strftime("%Y-%m-%dT%H:%M"),
            time_zone="UTC",
        ),
    )

    assert (
        'href="https://example.org"' in EventPage.objects.get(pk=event.pk).description
    )


# --- speakers ------------------------------------------------------------------------


def test_speakers_are_added_in_the_order_the_moderator_gives(group, moderator_client):
    form = moderator_client.get(url("event_create", group)).text
    assert "Add a speaker" in form and 'name="speakers-0-name"' in form

    moderator_client.post(
        url("event_create", group),
        event_data(
            country="SN",
            **speakers_data(
                {"name": "Amina Diallo", "affiliation": "UNESCO", "ORDER": "2"},
                {"name": "Lin Wei", "topic": "Open standards", "ORDER": "1"},
                {"name": "", "affiliation": "", "topic": "", "ORDER": ""},
            ),
        ),
    )

    event = EventPage.objects.get(title="Data standards clinic")
    assert [s.name for s in event.speakers.all()] == ["Lin Wei", "Amina Diallo"]
    assert event.country == "SN"  # the country is chosen on the site too
    page = Client().get(event.url).text
    assert page.index("Lin Wei") < page.index("Amina Diallo")
    assert "Open standards" in page and "UNESCO" in page


def test_speakers_are_reordered_removed_and_added_when_editing(group, moderator_client):
    event = EventFactory(group=group, title="Registers webinar", time_zone="UTC")
    for name in ("Amina Diallo", "Jonas Berg", "Lin Wei"):
        event.speakers.add(EventSpeaker(name=name))
    event.save_revision().publish()
    amina, jonas, lin = EventPage.objects.get(pk=event.pk).speakers.all()
    edit = moderator_client.get(url("event_edit", group, event.pk)).text
    assert 'value="Jonas Berg"' in edit

    response = moderator_client.post(
        url("event_edit", group, event.pk),
        event_data(
            title=event.title,
            start=event.start.strftime("%Y-%m-%dT%H:%M"),
            end=event.end.strftime("%Y-%m-%dT%H:%M"),
            time_zone="UTC",
            **speakers_data(
                {"id": amina.pk, "name": "Amina Diallo", "ORDER": "3"},
                {"id": jonas.pk, "name": "Jonas Berg", "ORDER": "2", "DELETE": "on"},
                {"id": lin.pk, "name": "Lin Wei", "ORDER": "1"},
                {"name": "Carlos Ruiz", "affiliation": "Ministry", "ORDER": "2"},
                initial=3,
            ),
        ),
    )

    assert response.status_code == 302
    event = EventPage.objects.get(pk=event.pk)
    assert [s.name for s in event.speakers.all()] == [
        "Lin Wei",
        "Carlos Ruiz",
        "Amina Diallo",
    ]
    assert "Jonas Berg" not in Client().get(event.url).text


def test_a_speaker_without_a_name_is_refused_and_what_was_typed_is_kept(
    group, moderator_client
):
    response = moderator_client.post(
        url("event_create", group),
        event_data(
            title="",
            **speakers_data(
                {"name": "Amina Diallo", "affiliation": "UNESCO", "ORDER": "1"},
                {"name": "", "affiliation": "Ministry of Education", "ORDER": "2"},
            ),
        ),
    )

    assert response.status_code == 400
    assert "Check the speakers below." in response.text
    speaker_rows = response.text[response.text.index("data-speaker-list") :]
    assert "This field is required." in speaker_rows
    assert 'value="Amina Diallo"' in response.text
    assert 'value="Ministry of Education"' in response.text
    assert not EventPage.objects.exists()


# --- duplicating and cancelling ---------------------------------------------------------


def test_duplicating_makes_a_draft_copy_without_registrations_or_materials(
    group, moderator, moderator_client
):
    event = EventFactory(group=group, title="Monthly clinic", featured=True)
    event.speakers.add(EventSpeaker(name="Amina Diallo"))
    event.save_revision().publish()
    EventRegistrationFactory(event=event)

    response = moderator_client.post(url("event_duplicate", group, event.pk))

    copy = EventPage.objects.exclude(pk=event.pk).get(group=group)
    assert response.status_code == 302
    assert response.url == url("event_edit", group, copy.pk)
    assert copy.title == "Monthly clinic (copy)" and not copy.live
    assert copy.slug != event.slug and not copy.featured
    assert copy.registrations.count() == 0
    assert [speaker.name for speaker in copy.speakers.all()] == ["Amina Diallo"]
    assert copy.owner == moderator


def test_duplicate_and_cancel_refuse_get_and_need_csrf(group, moderator):
    event = EventFactory(group=group)
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)

    assert client.get(url("event_duplicate", group, event.pk)).status_code == 405
    assert client.post(url("event_duplicate", group, event.pk)).status_code == 403
    assert client.post(url("event_cancel", group, event.pk)).status_code == 403
    assert EventPage.objects.filter(group=group).count() == 1
    assert not EventPage.objects.get(pk=event.pk).cancelled


def test_cancelling_from_the_site_tells_registrants(
    group, moderator, moderator_client, mail_on_commit
):
    event = EventFactory(group=group, title="Forum meeting")
    going = EventRegistrationFactory(event=event).user

    with mail_on_commit():
        response = moderator_client.post(
            url("event_cancel", group, event.pk), {"note": "Postponed to May."}
        )

    assert response.status_code == 302
    event = EventPage.objects.get(pk=event.pk)
    assert event.cancelled and not event.registration_open
    mail = [m for m in mail_on_commit.outbox if going.email in m.to]
    assert len(mail) == 1 and mail[0].subject.endswith("Cancelled: Forum meeting")
    assert "Postponed to May." in mail[0].body
    assert "This event has been cancelled." in Client().get(event.url).text
    assert PageLogEntry.objects.filter(
        page=event, action="wagtail.publish", user=moderator
    ).exists()
    # Nothing left to cancel.
    assert moderator_client.get(url("event_cancel", group, event.pk)).status_code == 403


def test_cancelling_refuses_while_a_draft_is_pending(group, moderator_client):
    event = EventFactory(group=group)
    draft = event.get_latest_revision_as_object()
    draft.title = "Renamed in a draft"
    draft.save_revision()

    response = moderator_client.post(url("event_cancel", group, event.pk), {"note": ""})

    assert response.status_code == 400
    assert not EventPage.objects.get(pk=event.pk).cancelled


# --- recordings and slides ------------------------------------------------------------


def past_event(group, **kwargs):
    start = timezone.now() - timedelta(days=2)
    return EventFactory(
        group=group, start=start, end=start + timedelta(hours=2), **kwargs
    )


def test_a_recording_is_filed_into_the_library_and_linked_both_ways(
    group, moderator, moderator_client
):
    event = past_event(group, title="Webinar on data quality")

    response = moderator_client.post(
        url("event_materials", group, event.pk),
        {
            "kind": "recording",
            "title": "Recording: webinar on data quality",
            "summary": "",
            "url": "https://video.example.org/dq",
        },
    )

    assert response.status_code == 302
    material = EventMaterial.objects.get(page=event)
    resource = material.resource
    assert resource.live and resource.format == "webinar"
    assert resource.external_url == "https://video.example.org/dq"
    assert resource.get_parent().specific == group
    assert resource.visibility == Visibility.PUBLIC
    visitor = Client()
    assert "Recording: webinar on data quality" in visitor.get(event.url).text
    resource_page = visitor.get(resource.url).text
    assert "Webinar on data quality" in resource_page and event.url in resource_page
    assert "Recording: webinar on data quality" in visitor.get("/knowledge/").text


def test_slides_upload_goes_through_the_librarys_checks(group, moderator_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    event = past_event(group)
    bad = SimpleUploadedFile("slides.exe", b"MZ\x00\x00", "application/octet-stream")

    response = moderator_client.post(
        url("event_materials", group, event.pk),
        {"kind": "slides", "title": "Slides", "file": bad},
    )

    assert response.status_code == 400
    assert not EventMaterial.objects.exists()
    assert not ResourcePage.objects.filter(title="Slides").exists()


def test_a_members_only_events_recording_stays_members_only(
    group, moderator_client, outsider
):
    event = past_event(group, visibility=Visibility.MEMBERS)

    moderator_client.post(
        url("event_materials", group, event.pk),
        {
            "kind": "recording",
            "title": "Private recording",
            "url": "https://v.example.org/1",
        },
    )

    resource = ResourcePage.objects.get(title="Private recording")
    assert resource.visibility == Visibility.MEMBERS
    assert Client().get(resource.url).status_code == 404
    stranger = Client()
    stranger.force_login(outsider)
    assert "Private recording" not in stranger.get("/knowledge/").text


def test_materials_wait_until_the_event_has_begun(group, moderator_client):
    event = EventFactory(group=group)

    assert (
        moderator_client.get(url("event_materials", group, event.pk)).status_code == 403
    )


# --- who may ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("group_events", []),
        ("event_create", []),
        ("event_edit", ["pk"]),
        ("event_cancel", ["pk"]),
        ("event_materials", ["pk"]),
    ],
)
def test_members_outsiders_and_visitors_cannot_run_events(
    group, member, outsider, other_moderator, name, args
):
    event = past_event(group)
    target = url(name, group, *[event.pk for _ in args])
    for person in (member, outsider, other_moderator):
        client = Client()
        client.force_login(person)
        assert client.get(target).status_code == 403
        assert client.post(target, event_data()).status_code == 403
    visitor = Client().get(target)
    assert visitor.status_code == 302 and "/accounts/login/" in visitor.url
    assert EventPage.objects.filter(group=group).count() == 1


def test_a_private_groups_event_pages_are_hidden_from_outsiders(outsider):
    private = group_moderation_setup(
        group=WorkingGroupFactory(title="Closed circle", visibility=Visibility.MEMBERS)
    )
    event = EventFactory(group=private, title="Closed meeting")
    client = Client()
    client.force_login(outsider)

    for target in (url("group_events", private), url("event_edit", private, event.pk)):
        assert client.get(target).status_code == 404
    assert client.post(url("event_duplicate", private, event.pk)).status_code == 404


def test_a_moderator_cannot_reach_another_groups_event(
    group, other_group, moderator_client
):
    theirs = EventFactory(group=other_group)

    assert moderator_client.get(url("event_edit", group, theirs.pk)).status_code == 404
