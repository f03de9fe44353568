"""The API's resource list takes the library's filters, pages its results and
links to the citations of each record."""

import pytest

from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(world):
    ResourceFactory(
        title="Lessons from a census",
        format="lesson-learned",
        level="regional",
        language="fr",
        publication_year=2019,
        tags=["census"],
    )
    ResourceFactory(
        title="Data policy handbook", format="policy", publication_year=2024
    )


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [item["title"] for item in response.json()["results"]]


def test_library_filters_apply(library, client):
    assert titles(client.get("/api/resources/?knowledge_type=tacit")) == [
        "Lessons from a census"
    ]
    assert titles(
        client.get("/api/resources/?format=policy&format=lesson-learned&sort=title")
    ) == [
        "Data policy handbook",
        "Lessons from a census",
    ]
    assert titles(client.get("/api/resources/?language=fr&level=regional")) == [
        "Lessons from a census"
    ]
    assert titles(client.get("/api/resources/?tag=census")) == ["Lessons from a census"]
    assert titles(client.get("/api/resources/?year_from=2024")) == [
        "Data policy handbook"
    ]
    assert titles(client.get("/api/resources/?group=data-governance")) == [
        "Open census guide"
    ]
    assert "Lessons from a census" in titles(client.get("/api/resources/?q=census"))
    # A bad value is ignored, like on /knowledge/.
    assert len(titles(client.get("/api/resources/?format=nonsense"))) == 3


def test_lists_are_paginated(library, client):
    payload = client.get("/api/resources/?page_size=2&sort=title").json()
    assert payload["count"] == 3
    assert len(payload["results"]) == 2
    assert payload["next"].endswith("page=2&page_size=2&sort=title")
    assert client.get("/api/resources/?page=99").status_code == 404


def test_resource_links_to_its_page_and_citations(library, client):
    payload = client.get("/api/resources/open-census-guide/").json()
    assert payload["url"] == "http://testserver/knowledge/open-census-guide/"
    assert payload["citations"]["csl_json"] == (
        "http://testserver/knowledge/open-census-guide/cite.json"
    )


def test_events_filter_by_group_and_time(world, client):
    response = client.get("/api/events/?group=data-governance")
    assert [item["title"] for item in response.json()["results"]] == ["Open webinar"]
    assert client.get("/api/events/?past=true").json()["results"] == []


@pytest.mark.parametrize(
    "url",
    [
        "/api/resources/?q=a%00b",
        "/api/resources/?group=a%00b&tag=%00",
        "/api/events/?group=%00&tag=%00&event_type=%00",
        "/api/threads/?forum=%00&group=%00",
        "/api/working-groups/?page=%00",
    ],
)
def test_nul_characters_in_filters_are_ignored_not_errors(world, client, url):
    assert client.get(url).status_code in (200, 404)


def test_nul_characters_in_paths_are_not_found(world, client):
    assert client.get("/api/resources/a%00b/").status_code == 404
