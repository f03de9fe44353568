"""A signed-in member's home: what is new for them since their last visit, and
never a visitor's cached page (nor cached for visitors)."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from forums.services import forum_for_group_ensure
from knowledge.services import knowledge_index_get_or_create, resource_submit
from notifications.models import HomeVisit
from search.models import SavedSearch
from tests.factories import (
    MembershipFactory,
    ResourceFactory,
    UserFactory,
    WorkingGroupFactory,
)
from tests.factories.events import EventFactory, EventRegistrationFactory
from tests.factories.forums import ThreadFactory
from working_groups.models import Membership
from working_groups.services import group_moderation_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        knowledge_index_get_or_create()
        ours = group_moderation_setup(
            group=WorkingGroupFactory(title="Data systems", visibility="members")
        )
        theirs = WorkingGroupFactory(title="Closed circle", visibility="members")
        member = UserFactory(username="carlos", display_name="Carlos Mendes")
        MembershipFactory(user=member, group=ours)
    ResourceFactory(title="Our new roadmap", parent=ours, visibility="members")
    ResourceFactory(title="Their secret plan", parent=theirs, visibility="members")
    EventFactory(title="Our clinic", group=ours)
    EventFactory(title="Their meeting", group=theirs, visibility="members")
    ThreadFactory(forum=forum_for_group_ensure(group=ours), title="Our question")
    ThreadFactory(forum=forum_for_group_ensure(group=theirs), title="Their rumour")
    return {"ours": ours, "theirs": theirs, "member": member}


def test_a_member_sees_what_is_new_in_their_groups_only(client, world):
    client.force_login(world["member"])
    page = client.get("/").text

    assert "Welcome back, Carlos Mendes" in page
    for title in ("Our new roadmap", "Our clinic", "Our question"):
        assert title in page
    for title in ("Their secret plan", "Their meeting", "Their rumour"):
        assert title not in page


def test_news_count_from_the_last_visit(client, world):
    member = world["member"]
    client.force_login(member)
    assert "Our new roadmap" in client.get("/").text
    # Everything was shared two hours ago; the last visit was an hour ago.
    from forums.models import Thread
    from knowledge.models import ResourcePage
    from working_groups.models import EventPage

    now = timezone.now()
    ResourcePage.objects.update(first_published_at=now - timedelta(hours=2))
    EventPage.objects.update(first_published_at=now - timedelta(hours=2))
    Thread.objects.update(last_post_at=now - timedelta(hours=2))
    HomeVisit.objects.filter(user=member).update(seen_at=now - timedelta(hours=1))
    page = client.get("/").text

    assert "Our new roadmap" not in page
    assert "Nothing new in your groups since your last visit." in page


def test_own_events_submissions_and_saved_searches(
    client, world, django_capture_on_commit_callbacks
):
    member = world["member"]
    registered = EventFactory(title="Census webinar")
    EventRegistrationFactory(event=registered, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        resource_submit(
            submitter=member,
            group=world["ours"],
            title="Costing an EMIS reform",
            summary="How one ministry costed it.",
            format="report",
        )
    SavedSearch.objects.create(
        user=member,
        name="Teacher data",
        query_text="teacher",
        last_alert_at=timezone.now(),
    )
    client.force_login(member)
    page = client.get("/").text

    assert "Census webinar" in page
    assert "Costing an EMIS reform" in page and "Awaiting moderation" in page
    assert "Teacher data" in page and "New matches" in page
    assert "Waiting for you as a moderator" not in page


def test_moderators_see_what_awaits_them(
    client, world, django_capture_on_commit_callbacks
):
    moderator = UserFactory(username="amina")
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(
            user=moderator, group=world["ours"], role=Membership.Role.MODERATOR
        )
    MembershipFactory(
        group=world["ours"], user=UserFactory(), status=Membership.Status.PENDING
    )
    client.force_login(moderator)
    page = client.get("/").text

    assert "Waiting for you as a moderator" in page
    assert "1 join request" in page


def test_the_member_home_is_never_cached_nor_served_from_the_cache(
    settings, client, world
):
    settings.PAGE_CACHE_SECONDS = 300
    caches["pages"].clear()
    try:
        Client().get("/")
        assert Client().get("/")["X-Page-Cache"] == "hit"
        client.force_login(world["member"])

        member_page = client.get("/")
        visitor_page = Client().get("/")
    finally:
        caches["pages"].clear()

    assert "Welcome back" in member_page.text
    assert member_page.get("X-Page-Cache") != "hit"
    assert "no-store" in member_page["Cache-Control"]
    assert "private" in member_page["Cache-Control"]
    assert "Welcome back" not in visitor_page.text
    assert "Our new roadmap" not in visitor_page.text
