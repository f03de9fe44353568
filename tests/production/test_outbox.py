"""The one mail path: one outbox row per recipient, queued with the action,
no header injection, Django's and third parties' mail through the same outbox,
error reports to ADMINS included."""

import logging

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.test import RequestFactory

from portal.links import absolute_url
from portal.mail import mail_queue, outbox_send_due
from portal.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_one_row_per_recipient_and_nobody_sees_the_others(mailoutbox):
    queued = mail_queue(
        template="working_groups/moderators_notice",
        subject="A request to join",
        to=["b@example.org", "a@example.org", "a@example.org", ""],
        context={"group_name": "Data", "summary": "Amina asked", "message": ""},
    )

    assert queued == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org"]
    assert all(len(m.to) == 1 for m in mailoutbox)
    assert mailoutbox[0].subject == "[EMIS CoP] A request to join"


def test_a_subject_cannot_smuggle_headers(mailoutbox):
    mail_queue(
        template="working_groups/moderators_notice",
        subject="Hello\r\nBcc: victim@example.org",
        to="a@example.org",
        context={"group_name": "Data", "summary": "s", "message": ""},
        headers={"Bcc": "victim@example.org", "Reply-To": "x@example.org\r\nX: y"},
    )

    message = mailoutbox[0]
    assert message.subject == "[EMIS CoP] Hello Bcc: victim@example.org"
    assert message.bcc == [] and "Bcc" not in message.extra_headers
    assert message.extra_headers["Reply-To"] == "x@example.org X: y"


def test_html_and_text_parts_and_a_stable_message_id(mailoutbox):
    mail_queue(
        template="search/saved_search_alert",
        subject="New results",
        to="a@example.org",
        context={"items": [], "saved_search": {"name": "S"}},
    )

    message = mailoutbox[0]
    row = OutboxMessage.objects.get()
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    assert message.extra_headers["Message-ID"] == f"<outbox-{row.pk}@testserver>"
    assert row.status == OutboxMessage.Status.SENT and row.attempts == 1


def test_mail_written_by_django_and_third_parties_is_queued(settings):
    settings.EMAIL_BACKEND = "portal.mail.OutboxBackend"

    send_mail("Confirm your address", "Click the link.", None, ["new@example.org"])

    row = OutboxMessage.objects.get()
    assert (row.to_email, row.subject, row.status) == (
        "new@example.org",
        "Confirm your address",
        "pending",
    )
    assert mail.outbox == []  # nothing sent in the request
    assert outbox_send_due() == {"sent": 1, "failed": 0}
    assert mail.outbox[0].to == ["new@example.org"]


def test_server_errors_are_mailed_to_admins_through_the_outbox(settings):
    settings.EMAIL_BACKEND = "portal.mail.OutboxBackend"
    settings.ADMINS = [("Ops", "ops@example.org")]
    request = RequestFactory().get("/broken/")

    logging.getLogger("django.request").error(
        "Internal Server Error: /broken/",
        extra={"status_code": 500, "request": request},
    )

    row = OutboxMessage.objects.get()
    assert row.to_email == "ops@example.org"
    assert "Internal Server Error: /broken/" in row.subject


def test_links_come_from_site_url_never_the_request(settings):
    settings.SITE_URL = "https://emis.example.org"

    assert absolute_url("/forums/x/") == "https://emis.example.org/forums/x/"
    assert absolute_url("forums/x/") == "https://emis.example.org/forums/x/"
    assert absolute_url("https://other.example/") == "https://other.example/"


def test_calendar_files_use_site_url_for_links_and_uids(client, settings, home_page):
    from icalendar import Calendar

    from tests.factories.events import EventFactory

    settings.SITE_URL = "https://emis.example.org"
    event = EventFactory(title="Census webinar")

    response = client.get(
        f"/events/{event.slug}/event.ics", HTTP_HOST="attacker.example"
    )
    vevent = Calendar.from_ical(response.content).events[0]

    assert str(vevent["UID"]) == f"event-{event.pk}@emis.example.org"
    assert str(vevent["URL"]).startswith("https://emis.example.org/")
    assert "attacker.example" not in response.content.decode()
