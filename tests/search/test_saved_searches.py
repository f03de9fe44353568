"""Saved searches with email alerts: save from the results page, manage on the
profile, receive only new items one may see, never twice, unsubscribe in one click."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.mail import outbox_send_due
from search.models import SavedSearch
from search.services import ALERTS_LOCK_ID, active_backends
from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from working_groups.models import Membership

from .conftest import make_document

pytestmark = pytest.mark.search


def index(*documents):
    """Index into the database table and the site's engine, as a publish does."""
    for backend in active_backends():
        backend.bulk(documents)


def send_alerts(*args):
    """Run the alerts, then the worker's mail sender (alerts are queued in the
    outbox with the items they report)."""
    out = open("/dev/null", "w")
    call_command("send_search_alerts", *args, stdout=out)
    outbox_send_due()


@pytest.fixture
def member(client, db):
    user = UserFactory(username="amina")
    client.force_login(user)
    return user


def test_a_member_saves_the_current_search_with_its_facets(client, member):
    index(make_document(title="Data governance lessons", knowledge_type="tacit"))

    response = client.post(
        reverse("saved_search_create"),
        {
            "name": "Governance lessons",
            "query_text": "data governance",
            "frequency": "weekly",
            "knowledge_type": "tacit",
            "kind": "resource",
        },
    )

    saved = SavedSearch.objects.get(user=member)
    assert response.status_code == 302
    assert response["Location"] == saved.get_search_url()
    assert saved.query_text == "data governance"
    assert saved.filters == {"kind": ["resource"], "knowledge_type": ["tacit"]}
    followed = client.get(response["Location"])
    assert "Saved “Governance lessons”" in followed.content.decode()


def test_the_results_page_offers_the_save_form_with_the_query(client, member):
    index(make_document(title="School grants"))

    content = client.get(reverse("search"), {"q": "grants", "level": "national"})
    html = content.content.decode()

    assert 'action="/search/saved/new/"' in html
    assert 'name="level" value="national"' in html
    assert 'value="grants"' in html


def test_bad_input_is_shown_again_with_the_text_kept(client, member):
    response = client.post(
        reverse("saved_search_create"),
        {"name": "   ", "query_text": "teacher payroll", "frequency": "daily"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Give your saved search a name." in html
    assert 'value="teacher payroll"' in html
    assert not SavedSearch.objects.exists()


def test_visitors_must_sign_in_to_save(client, db):
    response = client.post(
        reverse("saved_search_create"), {"name": "x", "query_text": "y"}
    )

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_saving_needs_a_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(
        reverse("saved_search_create"),
        {"name": "x", "query_text": "y", "frequency": "daily"},
    )

    assert response.status_code == 403


def test_saved_searches_are_listed_and_editable_on_the_profile(client, member):
    saved = SavedSearch.objects.create(
        user=member, name="EMIS budgets", query_text="budget", frequency="daily"
    )

    profile = client.get(reverse("profile_edit")).content.decode()
    edit = client.post(
        reverse("saved_search_edit", args=[saved.pk]),
        {"name": "EMIS financing", "query_text": "financing", "frequency": "never"},
    )

    assert "Saved searches and alerts" in profile
    assert "EMIS budgets" in profile
    assert reverse("saved_search_edit", args=[saved.pk]) in profile
    assert edit.status_code == 302
    saved.refresh_from_db()
    assert (saved.name, saved.query_text, saved.frequency) == (
        "EMIS financing",
        "financing",
        "never",
    )
    client.post(reverse("saved_search_delete", args=[saved.pk]))
    assert not SavedSearch.objects.exists()


def test_nobody_else_can_see_or_change_a_saved_search(client, member):
    saved = SavedSearch.objects.create(
        user=UserFactory(), name="Someone else's", query_text="x"
    )

    assert client.get(reverse("saved_search_edit", args=[saved.pk])).status_code == 404
    assert (
        client.post(reverse("saved_search_delete", args=[saved.pk])).status_code == 404
    )
    assert (
        "Someone else" not in client.get(reverse("saved_search_list")).content.decode()
    )
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


# Alerts ------------------------------------------------------------------------


@pytest.fixture
def group(db):
    return WorkingGroupFactory(title="Peer learning and capacity development")


@pytest.fixture
def subscriber(db, group, search_engine):
    """Alerts are checked with each backend as the site's engine (they are
    answered from the database table, which records when items were indexed)."""
    user = UserFactory(username="carlos", email="carlos@example.org")
    MembershipFactory(user=user, group=group)
    return user


def saved_search(user, frequency="instant", **fields):
    return SavedSearch.objects.create(
        user=user,
        name=fields.pop("name", "Mentorship"),
        query_text=fields.pop("query_text", "mentorship"),
        frequency=frequency,
        alerts_since=timezone.now() - timedelta(minutes=5),
        **fields,
    )


def test_alerts_send_new_matching_items_the_user_may_see(subscriber, group):
    saved_search(subscriber)
    index(
        make_document(title="Mentorship for statisticians"),
        make_document(
            title="Mentorship circle (members)",
            is_public=False,
            group_ids=[group.pk],
        ),
        make_document(
            title="Mentorship in another group", is_public=False, group_ids=[99999]
        ),
        make_document(title="Unrelated census report"),
    )

    send_alerts()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["carlos@example.org"]
    assert "Mentorship" in message.subject
    assert "Mentorship for statisticians" in message.body
    assert "Mentorship circle (members)" in message.body
    assert "another group" not in message.body
    assert "census" not in message.body
    assert (
        message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    )


def test_the_same_item_is_never_sent_twice(subscriber):
    saved_search(subscriber)
    index(make_document(title="Mentorship guide"))
    send_alerts()
    send_alerts()
    index(make_document(title="Mentorship toolkit"))

    send_alerts()

    assert len(mail.outbox) == 2
    assert "Mentorship guide" in mail.outbox[0].body
    assert "Mentorship toolkit" in mail.outbox[1].body
    assert "Mentorship guide" not in mail.outbox[1].body


def test_items_from_before_the_search_was_saved_are_not_alerted(subscriber):
    index(make_document(title="Old mentorship report"))
    SavedSearch.objects.create(
        user=subscriber, name="Mentorship", query_text="mentorship", frequency="instant"
    )

    send_alerts()

    assert mail.outbox == []


def test_leaving_a_group_stops_alerts_of_its_private_items(subscriber, group):
    saved_search(subscriber)
    Membership.objects.filter(user=subscriber).update(status=Membership.Status.LEFT)
    index(
        make_document(
            title="Mentorship circle (members)", is_public=False, group_ids=[group.pk]
        )
    )

    send_alerts()

    assert mail.outbox == []


def test_daily_and_weekly_digests_wait_for_their_period(subscriber):
    daily = saved_search(subscriber, "daily", name="Daily")
    weekly = saved_search(subscriber, "weekly", name="Weekly")
    index(make_document(title="Mentorship first item"))
    send_alerts()
    assert sorted(m.subject for m in mail.outbox) == [
        "[EMIS CoP] New results for your saved search “Daily”",
        "[EMIS CoP] New results for your saved search “Weekly”",
    ]
    mail.outbox.clear()
    index(make_document(title="Mentorship second item"))

    send_alerts()
    assert mail.outbox == []  # neither period has passed

    SavedSearch.objects.filter(pk=daily.pk).update(
        last_checked_at=timezone.now() - timedelta(days=1)
    )
    send_alerts()
    assert [m.subject for m in mail.outbox] == [
        "[EMIS CoP] New results for your saved search “Daily”"
    ]
    assert "second item" in mail.outbox[0].body
    weekly.refresh_from_db()
    assert weekly.last_alert_at is not None


def test_one_click_unsubscribe_stops_the_alerts(client, subscriber):
    saved = saved_search(subscriber)
    index(make_document(title="Mentorship guide"))
    send_alerts()
    url = re.search(r"https?://\S+/search/alerts/unsubscribe/\S+/", mail.outbox[0].body)
    path = url.group(0).split("testserver", 1)[-1]

    confirm = client.get(path)
    done = client.post(path)  # what mail clients do for List-Unsubscribe-Post
    index(make_document(title="Mentorship toolkit"))
    send_alerts()

    assert "Stop the email alerts" in confirm.content.decode()
    assert done.status_code == 200
    saved.refresh_from_db()
    assert saved.frequency == SavedSearch.Frequency.NEVER
    assert len(mail.outbox) == 1


def test_a_forged_unsubscribe_token_does_nothing(client, subscriber):
    saved = saved_search(subscriber)

    response = client.post(
        reverse("search_unsubscribe", args=[f"{saved.pk}:forged:token"])
    )

    assert response.status_code == 404
    saved.refresh_from_db()
    assert saved.frequency == "instant"


def test_concurrent_runs_do_not_send_twice(subscriber, transactional_db):
    saved_search(subscriber)
    index(make_document(title="Mentorship guide"))
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [ALERTS_LOCK_ID])
        send_alerts()  # another run holds the lock: this one skips
        assert mail.outbox == []
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ALERTS_LOCK_ID])
    finally:
        other.close()

    send_alerts()

    assert len(mail.outbox) == 1
