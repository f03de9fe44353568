"""The visitor home page's hero shows the community: how many members,
resources, countries and events (public things only), a lesson learned and the
next event."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import (
    EventFactory,
    MembershipFactory,
    ResourceFactory,
    UserFactory,
    WorkingGroupFactory,
)
from working_groups.models import Membership, Visibility


@pytest.fixture(autouse=True)
def fresh_numbers():
    cache.delete("home_hero_numbers")
    yield
    cache.delete("home_hero_numbers")


@pytest.fixture
def community(home_page):
    open_group = WorkingGroupFactory(title="Open group")
    closed = WorkingGroupFactory(title="Closed circle", visibility=Visibility.MEMBERS)
    both = UserFactory()
    MembershipFactory(user=both, group=open_group)
    MembershipFactory(user=both, group=closed)
    MembershipFactory(user=UserFactory(), group=open_group)
    MembershipFactory(user=UserFactory(), group=closed)
    MembershipFactory(
        user=UserFactory(), group=open_group, status=Membership.Status.PENDING
    )
    ResourceFactory(title="Census guide", parent=open_group, countries=["KE", "TZ"])
    ResourceFactory(
        title="Learning from Kenya's school census",
        format="lesson-learned",
        featured=True,
        countries=["KE"],
        introduction="What we would do differently.",
    )
    ResourceFactory(
        title="Secret budget draft",
        parent=open_group,
        visibility=Visibility.MEMBERS,
        countries=["FR"],
    )
    ResourceFactory(title="Closed notes", parent=closed, countries=["PE"])
    soon = timezone.now() + timedelta(days=1)
    EventFactory(
        title="Closed retreat", group=closed, start=soon, end=soon + timedelta(hours=1)
    )
    EventFactory(
        title="Members workshop",
        group=open_group,
        visibility=Visibility.MEMBERS,
        start=soon,
        end=soon + timedelta(hours=1),
    )
    EventFactory(
        title="Cancelled clinic",
        start=soon + timedelta(hours=2),
        end=soon + timedelta(hours=3),
        cancelled=True,
    )
    EventFactory(title="Open webinar on registers", group=open_group)
    return open_group


def test_the_hero_counts_public_things_only(client, community):
    page = client.get("/").text

    assert "2</span> members in the working groups" in page
    assert "2</span> resources in the library" in page
    assert "2</span> countries covered" in page
    assert "2</span> events held or planned" in page


def test_the_hero_shows_a_lesson_and_the_next_public_event(client, community):
    page = client.get("/").text

    assert "Learning from Kenya&#x27;s school census" in page
    assert "What we would do differently." in page
    hero = page.split('class="hero__highlights"')[1].split(
        'class="container home-grid"'
    )[0]
    assert "Open webinar on registers" in hero
    for private in ("Closed retreat", "Members workshop", "Cancelled clinic"):
        assert private not in hero


def test_a_member_of_the_closed_group_sees_the_same_public_numbers(client, community):
    """A member's visit (their own home) leaves nothing private in the hero
    that visitors then get from the cache."""
    insider = Membership.objects.filter(group__title="Closed circle").first().user
    client.force_login(insider)
    assert client.get("/").status_code == 200
    client.logout()

    page = client.get("/").text

    assert "2</span> resources in the library" in page
    hero = page.split('class="hero__highlights"')[1].split(
        'class="container home-grid"'
    )[0]
    assert "Open webinar on registers" in hero and "Closed retreat" not in hero


def test_one_of_each_reads_in_the_singular(client, home_page):
    group = WorkingGroupFactory(title="Only group")
    MembershipFactory(user=UserFactory(), group=group)
    ResourceFactory(title="Only resource", countries=["KE"])
    EventFactory(title="Only event")

    page = client.get("/").text

    assert "1</span> member in the working groups" in page
    assert "1</span> resource in the library" in page
    assert "1</span> country covered" in page
    assert "1</span> event held or planned" in page


def test_an_empty_site_shows_zeros_and_no_highlights(client, home_page):
    page = client.get("/").text

    assert "0</span> resources in the library" in page
    assert 'class="hero__highlights"' not in page


def test_the_kept_lesson_is_read_again_and_dropped_once_not_public(client, community):
    """Which lesson the hero shows is kept with the numbers; the lesson itself
    is read on every visit, so one made members-only leaves the hero at once
    (another public lesson takes its place)."""
    from knowledge.models import ResourcePage

    ResourceFactory(title="Second lesson on registers", format="lesson-learned")
    assert "Learning from Kenya" in client.get("/").text  # chosen and kept
    lesson = ResourcePage.objects.get(title="Learning from Kenya's school census")
    ResourcePage.objects.filter(pk=lesson.pk).update(visibility=Visibility.MEMBERS)

    page = client.get("/").text

    assert "Learning from Kenya" not in page
    assert "Second lesson on registers" in page
