"""The privacy matrix on every endpoint of the read API: a visitor and a member
of no group see public records only; members of the groups and staff also see
the members-only ones; private detail URLs answer 404 to those who may not see
them. The same holds with a personal token instead of a session."""

import pytest

from tests.privacy_world import INSIDERS, READERS

pytestmark = pytest.mark.django_db


def titles(payload) -> set[str]:
    return {item["title"] for item in payload["results"]}


LISTS = ["/api/resources/", "/api/events/", "/api/working-groups/", "/api/threads/"]


def detail_urls(world) -> dict[str, tuple[str, bool]]:
    """URL → (title, private?) for one record of each kind and visibility."""
    return {
        "/api/resources/open-census-guide/": (world.public_resource.title, False),
        "/api/resources/secret-budget-draft/": (world.members_resource.title, True),
        "/api/resources/closed-circle-notes/": (
            world.private_group_resource.title,
            True,
        ),
        "/api/events/open-webinar/": (world.public_event.title, False),
        "/api/events/members-workshop/": (world.members_event.title, True),
        "/api/events/closed-circle-retreat/": (world.private_group_event.title, True),
        "/api/working-groups/data-governance/": (world.group.title, False),
        "/api/working-groups/closed-circle/": (world.private_group.title, True),
        f"/api/threads/{world.community_thread.pk}/": (
            world.community_thread.title,
            False,
        ),
        f"/api/threads/{world.group_public_thread.pk}/": (
            world.group_public_thread.title,
            False,
        ),
        f"/api/threads/{world.group_private_thread.pk}/": (
            world.group_private_thread.title,
            True,
        ),
        f"/api/threads/{world.private_group_thread.pk}/": (
            world.private_group_thread.title,
            True,
        ),
    }


@pytest.mark.parametrize("reader", READERS)
def test_lists_show_what_the_reader_may_see(world, read_as, reader):
    client = read_as(reader)
    seen = set()
    for url in LISTS:
        response = client.get(url)
        assert response.status_code == 200, url
        seen |= titles(response.json())
    assert world.public_titles <= seen
    if reader in INSIDERS:
        assert world.private_titles <= seen
    else:
        assert not seen & world.private_titles


@pytest.mark.parametrize("reader", READERS)
def test_details_answer_404_to_those_who_may_not_see(world, read_as, reader):
    client = read_as(reader)
    for url, (title, private) in detail_urls(world).items():
        response = client.get(url)
        if private and reader not in INSIDERS:
            assert response.status_code == 404, url
            assert title not in response.content.decode()
        else:
            assert response.status_code == 200, url
            assert response.json()["title"] == title


@pytest.mark.parametrize("reader", READERS)
def test_public_records_never_name_private_groups(world, read_as, reader):
    """A public resource shared with a private group does not reveal it."""
    resource = world.public_resource
    resource.groups = [world.private_group]
    resource.save_revision().publish()
    payload = read_as(reader).get("/api/resources/open-census-guide/").json()
    if reader in INSIDERS:
        assert payload["groups"] == ["data-governance", "closed-circle"]
    else:
        assert payload["groups"] == ["data-governance"]


def test_thread_detail_lists_visible_posts(world, read_as):
    payload = (
        read_as("visitor").get(f"/api/threads/{world.community_thread.pk}/").json()
    )
    assert [post["position"] for post in payload["posts"]] == [1]
    assert payload["posts"][0]["body_html"]


@pytest.mark.parametrize("reader", READERS)
def test_an_events_country_is_shown_only_with_the_event(world, read_as, reader):
    """The country (code and English name) is part of the event's record: a
    members-only event's country is seen by exactly those who see the event."""
    from working_groups.models import EventPage

    EventPage.objects.filter(pk=world.public_event.pk).update(country="KE")
    EventPage.objects.filter(pk=world.members_event.pk).update(country="JO")
    client = read_as(reader)

    public = client.get("/api/events/open-webinar/").json()
    assert public["country"] == {"code": "KE", "name": "Kenya"}
    listed = {
        item["slug"]: item["country"]
        for item in client.get("/api/events/").json()["results"]
    }
    assert listed["open-webinar"] == {"code": "KE", "name": "Kenya"}
    members = client.get("/api/events/members-workshop/")
    if reader in INSIDERS:
        assert members.json()["country"] == {"code": "JO", "name": "Jordan"}
        assert listed["members-workshop"]["code"] == "JO"
    else:
        assert members.status_code == 404
        assert "members-workshop" not in listed
        assert "Jordan" not in str(listed)
