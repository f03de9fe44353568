"""/sitemap.xml is an index of sections split into pages; together they list
public pages and threads only, whoever asks, in a constant number of queries
per sitemap page. /robots.txt points to it and keeps crawlers out of private
corners."""

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from crawlers.sitemaps import PublicPageSitemap, PublicThreadSitemap
from forums.services import community_forum_get_or_create
from knowledge.models import ResourcePage
from knowledge.services import knowledge_index_get_or_create
from tests.factories import ThreadFactory, WorkingGroupFactory
from tests.factories.events import EventFactory, event_index_get_or_create
from tests.privacy_world import READERS
from working_groups.models import Visibility

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _relative(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sitemap_pages(client) -> list[str]:
    """The sitemap pages the index at /sitemap.xml lists."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    document = etree.fromstring(response.content)
    return [
        _relative(node.findtext("sm:loc", namespaces=SITEMAP_NS))
        for node in document.iterfind("sm:sitemap", SITEMAP_NS)
    ]


def sitemap_locations(client) -> dict[str, str | None]:
    """Every URL of every sitemap page, with its lastmod (no URL twice)."""
    locations = {}
    for page in sitemap_pages(client):
        response = client.get(page)
        assert response.status_code == 200, page
        document = etree.fromstring(response.content)
        for node in document.iterfind("sm:url", SITEMAP_NS):
            location = node.findtext("sm:loc", namespaces=SITEMAP_NS)
            assert location not in locations, location
            locations[location] = node.findtext("sm:lastmod", namespaces=SITEMAP_NS)
    return locations


@pytest.mark.parametrize("reader", READERS)
def test_sitemap_lists_public_pages_only_for_every_reader(world, read_as, reader):
    locations = sitemap_locations(read_as(reader))
    paths = {urlsplit(location).path for location in locations}

    assert "/knowledge/open-census-guide/" in paths
    assert "/events/open-webinar/" in paths
    assert "/working-groups/data-governance/" in paths
    assert world.community_thread.get_absolute_url() in paths
    assert world.group_public_thread.get_absolute_url() in paths

    assert "/knowledge/secret-budget-draft/" not in paths
    assert "/knowledge/closed-circle-notes/" not in paths
    assert "/events/members-workshop/" not in paths
    assert "/events/closed-circle-retreat/" not in paths
    assert not any("closed-circle" in path for path in paths)
    assert world.group_private_thread.get_absolute_url() not in paths
    assert world.private_group_thread.get_absolute_url() not in paths
    assert all(lastmod for lastmod in locations.values())
    # The URLs built from columns are the pages' own URLs.
    for page in (world.public_resource, world.public_event, world.group):
        assert page.get_full_url() in locations


def test_a_large_section_is_split_into_pages_that_list_everything_once(
    world, client, monkeypatch
):
    whole = sitemap_locations(client)
    monkeypatch.setattr(PublicPageSitemap, "limit", 2)
    monkeypatch.setattr(PublicThreadSitemap, "limit", 1)

    pages = sitemap_pages(client)
    assert "/sitemap-pages.xml" in pages and "/sitemap-pages.xml?p=2" in pages
    assert "/sitemap-threads.xml?p=2" in pages
    assert sitemap_locations(client) == whole
    assert client.get("/sitemap-pages.xml?p=999").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def _sitemap_queries(client) -> dict[str, int]:
    counts = {}
    for page in ["/sitemap.xml", *sitemap_pages(client)]:
        client.get(page)  # the process's caches warm, as on a running site
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200
        counts[page] = len(queries)
    return counts


def test_the_sitemap_needs_no_more_queries_with_more_content(
    home_page, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        library = knowledge_index_get_or_create()
        event_index_get_or_create()
        community = community_forum_get_or_create()
        group = WorkingGroupFactory(title="Census", slug="census")
        hidden = WorkingGroupFactory(
            title="Hidden", slug="hidden", visibility=Visibility.MEMBERS
        )

    def grow(start: int, resources: int, events: int, threads: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            now = timezone.now()
            for number in range(start, start + resources):
                # Live pages without revisions: quick to add by the dozen.
                (library, group, hidden)[number % 3].add_child(
                    instance=ResourcePage(
                        title=f"Census note {number}",
                        slug=f"census-note-{number}",
                        introduction="A note.",
                        visibility=(
                            Visibility.MEMBERS if number % 4 == 0 else Visibility.PUBLIC
                        ),
                        live=True,
                        first_published_at=now,
                        last_published_at=now,
                    )
                )
            for number in range(events):
                EventFactory(title=f"Census clinic {start} {number}", group=group)
            for number in range(threads):
                ThreadFactory(forum=community, title=f"Census question {number}")

    grow(0, 3, 1, 1)
    small = _sitemap_queries(client)
    grow(3, 27, 3, 3)
    large = _sitemap_queries(client)

    assert large == small
    public_notes = sum(1 for n in range(30) if n % 3 != 2 and n % 4 != 0)
    listed = [path for path in sitemap_locations(client) if "census-note" in path]
    assert len(listed) == public_notes


@pytest.mark.parametrize("reader", READERS)
def test_robots_points_to_the_sitemap(world, read_as, reader):
    response = read_as(reader).get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for private in ("/accounts/", "/admin/", "/search/", "/knowledge/moderation/"):
        assert f"Disallow: {private}" in lines
    assert "Disallow: /forums/*/moderation/" in lines
    assert "Disallow: /knowledge/" not in lines
