"""/knowledge/: filters, facet counts, sorting, pagination, query budget."""

import datetime

import pytest
from django.utils import timezone

from knowledge.models import ResourcePage
from knowledge.selectors import LibraryQuery, resource_facet_counts
from tests.factories import OrganisationFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [resource.title for resource in response.context["resources"]]


@pytest.fixture
def catalogue(library, group, other_group):
    unesco = OrganisationFactory(name="UNESCO", acronym="UNESCO")
    return {
        "report": ResourceFactory(
            title="Census guide",
            format="report",
            level="national",
            publication_year=2019,
            language="en",
            regions=["africa"],
            tags=["census"],
            organisations=[unesco],
            parent=group,
        ),
        "dataset": ResourceFactory(
            title="Enrolment data",
            format="dataset",
            level="international",
            publication_year=2023,
            language="fr",
            regions=["global"],
            tags=["census", "enrolment"],
        ),
        "lesson": ResourceFactory(
            title="Lesson on training",
            format="lesson-learned",
            level="national",
            publication_year=2021,
            language="en",
            regions=["africa", "arab-states"],
            tags=["training"],
            parent=other_group,
            groups=[group],
        ),
        "story": ResourceFactory(
            title="A district story",
            format="story",
            level="regional",
            publication_year=2022,
            language="es",
            parent=other_group,
        ),
    }


FILTER_CASES = [
    ("format=report", ["Census guide"]),
    ("format=report&format=dataset", ["Enrolment data", "Census guide"]),
    ("knowledge_type=tacit", ["A district story", "Lesson on training"]),
    ("level=national", ["Lesson on training", "Census guide"]),
    ("language=fr", ["Enrolment data"]),
    ("region=arab-states", ["Lesson on training"]),
    ("region=africa&level=national&format=lesson-learned", ["Lesson on training"]),
    ("tag=census", ["Enrolment data", "Census guide"]),
    ("group=data-governance", ["Lesson on training", "Census guide"]),
    ("group=peer-exchanges", ["A district story", "Lesson on training"]),
    ("year_from=2021&year_to=2022", ["A district story", "Lesson on training"]),
    ("q=census", ["Enrolment data", "Census guide"]),
    ("q=UNESCO", ["Census guide"]),
    ("q=training&knowledge_type=tacit", ["Lesson on training"]),
    ("format=book", []),
]


def test_filters_combine(client, catalogue):
    for query, expected in FILTER_CASES:
        response = client.get(f"/knowledge/?{query}&sort=newest")

        assert response.status_code == 200, query
        assert titles(response) == expected, query
        assert response.context["result_count"] == len(expected), query


def test_facets_count_the_current_selection(client, catalogue):
    response = client.get("/knowledge/?level=national&format=report")

    facets = {facet["name"]: facet for facet in response.context["facets"]}
    formats = {o["value"]: o["count"] for o in facets["format"]["options"]}
    # Formats are counted among national resources, whatever format is ticked...
    assert formats == {"report": 1, "lesson-learned": 1}
    # ...the other facets among national reports.
    levels = {o["value"]: o["count"] for o in facets["level"]["options"]}
    assert levels == {"national": 1}
    regions = {o["value"]: o["count"] for o in facets["region"]["options"]}
    assert regions == {"africa": 1}
    selected = [o["value"] for o in facets["format"]["options"] if o["selected"]]
    assert selected == ["report"]
    html = response.content.decode()
    assert "Census guide" in html
    assert "(1)" in html


def test_group_and_tag_facets_count_owned_and_shared_resources(catalogue, group):
    counts = resource_facet_counts(user=None, query=LibraryQuery())

    assert counts["group"][group.pk] == 2
    assert counts["tag"]["census"] == ("census", 2)
    assert counts["knowledge_type"] == {"explicit": 2, "tacit": 2}


def test_sorting(client, catalogue):
    by_title = titles(client.get("/knowledge/?sort=title"))
    newest = titles(client.get("/knowledge/"))

    assert by_title == sorted(by_title, key=str.lower)
    assert newest == [
        "Enrolment data",
        "A district story",
        "Lesson on training",
        "Census guide",
    ]


def test_relevance_ranks_title_matches_first(client, library):
    ResourceFactory(title="School feeding", introduction="Mentions census once.")
    ResourceFactory(title="Census methods", introduction="All about the census.")

    assert titles(client.get("/knowledge/?q=census")) == [
        "Census methods",
        "School feeding",
    ]


def test_lessons_learned_shows_tacit_knowledge_lessons_first(client, catalogue):
    ResourceFactory(title="Mentoring notes", format="mentorship", publication_year=2024)

    response = client.get("/lessons-learned/")

    assert titles(response) == [
        "Lesson on training",
        "A district story",
        "Mentoring notes",
    ]
    assert "knowledge_type" not in [f["name"] for f in response.context["facets"]]


def test_tag_pages(client, catalogue):
    response = client.get("/knowledge/tags/census/")
    assert titles(response) == ["Enrolment data", "Census guide"]
    assert "Resources tagged “census”" in response.content.decode()

    index = client.get("/knowledge/tags/").content.decode()
    assert "/knowledge/tags/enrolment/" in index
    assert client.get("/knowledge/tags/no-such-tag/").status_code == 404


def test_invalid_filters_are_reported_and_the_others_still_apply(client, catalogue):
    response = client.get("/knowledge/?year_from=abc&format=report&format=nonsense")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Some filters could not be used" in html
    assert "Enter a whole number." in html
    assert "Format: “nonsense” is not a known value" in html
    assert titles(response) == ["Census guide"]


def test_year_range_the_wrong_way_round_is_explained(client, catalogue):
    response = client.get("/knowledge/?year_from=2023&year_to=2019")

    assert "“To year” must be the same as or after “From year”." in (
        response.content.decode()
    )
    assert response.context["result_count"] == 1


def test_empty_states(client, library, catalogue):
    filtered = client.get("/knowledge/?format=book").content.decode()
    assert "No resources match these filters." in filtered
    assert 'href="/knowledge/"' in filtered


def test_pagination_keeps_the_filters(client, library, group):
    bulk_resources(library, group, 26)

    first = client.get("/knowledge/?tag=bulk&sort=title")
    second = client.get("/knowledge/?tag=bulk&sort=title&page=2")
    beyond = client.get("/knowledge/?tag=bulk&sort=title&page=99")

    assert first.context["result_count"] == 26
    assert titles(first) == [f"Bulk resource {n:03d}" for n in range(20)]
    assert titles(second) == [f"Bulk resource {n:03d}" for n in range(20, 26)]
    assert titles(beyond) == titles(second)
    assert 'href="?tag=bulk&amp;sort=title&amp;page=2"' in first.content.decode()


def bulk_resources(library, group, count, start=0):
    """Live resources without revisions: fast enough to list hundreds."""
    now = timezone.now()
    for number in range(start, start + count):
        resource = ResourcePage(
            title=f"Bulk resource {number:03d}",
            slug=f"bulk-{number:03d}",
            introduction="A resource.",
            format=["report", "dataset", "lesson-learned"][number % 3],
            level=["national", "regional"][number % 2],
            publication_year=2000 + number % 20,
            regions=["africa"] if number % 2 else ["global"],
            live=True,
            first_published_at=now - datetime.timedelta(minutes=number),
        )
        resource.tags.set([f"tag {number % 7}", "bulk"])
        resource.organisations = [OrganisationFactory(name=f"Publisher {number % 4}")]
        if number % 5 == 0:
            resource.groups = [group]
        library.add_child(instance=resource)


def test_the_library_makes_as_many_queries_for_200_resources_as_for_10(
    client, library, group, member, django_assert_max_num_queries
):
    url = "/knowledge/?region=africa&tag=bulk&sort=title&q=resource"
    bulk_resources(library, group, 10)
    client.get("/knowledge/")  # warm the site root paths cache
    counts = {}
    for total in (10, 200):
        if total == 200:
            bulk_resources(library, group, 190, start=10)
        for user in (None, member):
            client.logout()
            if user is not None:
                client.force_login(user)
            client.get(url)  # warm the per-process paths, as on a running site
            with django_assert_max_num_queries(40) as queries:
                response = client.get(url)
            assert response.status_code == 200
            assert response.context["result_count"] == total // 2
            counts[(total, user is not None)] = len(queries.captured_queries)

    assert counts[(200, False)] == counts[(10, False)]
    assert counts[(200, True)] == counts[(10, True)]
