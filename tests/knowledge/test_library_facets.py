"""Every facet count of the library (and of lessons learned) is the number of
results choosing that value gives; countries and regions link to their pages."""

import pytest
from django.http import QueryDict

from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(library, group, other_group):
    ResourceFactory(
        title="Census guide",
        format="report",
        level="national",
        publication_year=2019,
        language="en",
        regions=["africa"],
        countries=["KE", "GH"],
        tags=["census"],
        parent=group,
    )
    ResourceFactory(
        title="Census data of Nepal",
        format="dataset",
        level="national",
        publication_year=2023,
        language="fr",
        regions=["asia-pacific"],
        countries=["NP"],
        tags=["census", "enrolment"],
        parent=group,
        groups=[other_group],
    )
    ResourceFactory(
        title="Lesson on census training",
        format="lesson-learned",
        level="regional",
        publication_year=2021,
        language="en",
        regions=["africa", "arab-states"],
        countries=["KE"],
        tags=["training", "census"],
        parent=other_group,
        groups=[group],
    )
    ResourceFactory(
        title="A district story",
        format="story",
        level="regional",
        publication_year=2022,
        language="es",
        parent=other_group,
    )
    for n in range(3):
        ResourceFactory(title=f"Census report {n}", format="report", parent=group)


def _check_every_option(client, path, params=""):
    """Each option's count is what choosing that value (in place of the
    facet's current choice, if any) gives with every other filter."""
    response = client.get(f"{path}?{params}")
    checked = 0
    for facet in response.context["facets"]:
        for option in facet["options"]:
            chosen = QueryDict(params, mutable=True)
            chosen.setlist(facet["name"], [option["value"]])
            narrowed = client.get(f"{path}?{chosen.urlencode()}")
            assert narrowed.context["result_count"] == option["count"], (
                facet["name"],
                option["value"],
                option["count"],
            )
            checked += 1
    return response, checked


@pytest.mark.parametrize("params", ["", "q=census", "format=report", "country=KE"])
def test_every_library_facet_count_is_what_choosing_it_gives(client, shelf, params):
    _response, checked = _check_every_option(client, "/knowledge/", params)

    assert checked >= 5


def test_every_lessons_learned_facet_count_is_what_choosing_it_gives(client, shelf):
    _response, checked = _check_every_option(client, "/lessons-learned/")

    assert checked >= 2


def test_country_and_region_facets_link_to_their_pages(client, shelf):
    response = client.get("/knowledge/")
    facets = {facet["name"]: facet for facet in response.context["facets"]}

    countries = {o["value"]: o for o in facets["country"]["options"]}
    regions = {o["value"]: o for o in facets["region"]["options"]}
    assert {code: o["count"] for code, o in countries.items()} == {
        "KE": 2,
        "GH": 1,
        "NP": 1,
    }
    assert countries["KE"]["url"] == "/countries/ke/"
    assert regions["africa"]["url"] == "/regions/africa/"
    assert 'href="/countries/ke/"' in response.content.decode()
    kenya = client.get("/knowledge/?country=ke")
    assert sorted(r.title for r in kenya.context["resources"]) == [
        "Census guide",
        "Lesson on census training",
    ]


def test_working_group_counts_are_what_choosing_the_group_gives(client, shelf):
    response = client.get("/knowledge/")
    facets = {facet["name"]: facet for facet in response.context["facets"]}

    groups = {o["value"]: o["count"] for o in facets["group"]["options"]}

    # Owned or shared: group 1 owns five and has one shared with it.
    assert groups == {"data-governance": 6, "peer-exchanges": 3}
