"""Search and the library lead to the country and region pages."""

import pytest
from django.core.management import call_command

from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(library, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ResourceFactory(
            title="Census of schools in Senegal",
            countries=["SN"],
            regions=["africa"],
        )
        ResourceFactory(title="Census of schools in Peru", countries=["PE"])
    call_command("search_reindex", stdout=open("/dev/null", "w"))


def test_search_has_a_country_facet_linking_to_country_pages(client, indexed):
    body = client.get("/search/?q=census").content.decode()
    assert 'name="country" value="SN"' in body
    assert 'href="/countries/sn/"' in body
    assert 'href="/regions/africa/"' in body
    filtered = client.get("/search/?q=census&country=SN").content.decode()
    assert "schools in Senegal" in filtered
    assert "schools in Peru" not in filtered


def test_search_api_reports_the_country_facet(client, indexed):
    data = client.get("/api/search/?q=census").json()
    text = str(data)
    assert "Senegal" in text and "Peru" in text


def test_library_region_facet_and_resource_page_link_to_places(client, indexed):
    library = client.get("/knowledge/").content.decode()
    assert 'href="/regions/africa/"' in library
    page = client.get("/knowledge/census-of-schools-in-senegal/").content.decode()
    assert 'href="/countries/sn/"' in page
    assert 'href="/regions/africa/"' in page
