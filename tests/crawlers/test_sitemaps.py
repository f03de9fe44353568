"""/sitemap.xml lists public pages and threads only, whoever asks;
/robots.txt points to it and keeps crawlers out of private corners."""

from urllib.parse import urlsplit

import pytest
from lxml import etree

from tests.privacy_world import READERS

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_locations(response) -> dict[str, str | None]:
    document = etree.fromstring(response.content)
    return {
        node.findtext("sm:loc", namespaces=SITEMAP_NS): node.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS
        )
        for node in document.iterfind("sm:url", SITEMAP_NS)
    }


@pytest.mark.parametrize("reader", READERS)
def test_sitemap_lists_public_pages_only_for_every_reader(world, read_as, reader):
    response = read_as(reader).get("/sitemap.xml")
    assert response.status_code == 200
    locations = sitemap_locations(response)
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
