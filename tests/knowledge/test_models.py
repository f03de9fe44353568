import pytest
from django.core.exceptions import ValidationError

from knowledge.models import KnowledgeIndexPage, ResourcePage
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def test_knowledge_type_defaults_from_the_format_and_can_be_overridden(library):
    report = ResourceFactory(format="report")
    story = ResourceFactory(format="story")
    tacit_case = ResourceFactory(format="case-study", knowledge_type="tacit")

    assert report.knowledge_type == "explicit"
    assert story.knowledge_type == "tacit"
    assert tacit_case.knowledge_type == "tacit"


def test_year_comes_from_the_publication_date(library):
    import datetime

    resource = ResourceFactory(
        publication_year=None, publication_date=datetime.date(2021, 5, 4)
    )

    assert resource.publication_year == 2021
    assert resource.year == 2021


def test_a_group_resource_lives_below_the_group_but_is_served_at_knowledge(
    client, group
):
    resource = ResourceFactory(parent=group, title="Data sharing", slug="data-sharing")

    assert resource.owning_group_id == group.pk
    assert resource.url == "/knowledge/data-sharing/"
    assert client.get("/knowledge/data-sharing/").status_code == 200
    tree_path = f"/working-groups/{group.slug}/data-sharing/"
    response = client.get(tree_path + "?utm=1")
    assert response.status_code == 301
    assert response["Location"] == "/knowledge/data-sharing/?utm=1"


def test_moving_a_resource_changes_its_owning_group(
    group, other_group, django_capture_on_commit_callbacks
):
    resource = ResourceFactory(parent=group)

    with django_capture_on_commit_callbacks(execute=True):
        resource.move(other_group, pos="last-child")

    resource.refresh_from_db()
    assert resource.owning_group_id == other_group.pk
    assert resource.url == f"/knowledge/{resource.slug}/"


def test_slugs_are_unique_across_the_whole_library(library, group):
    ResourceFactory(parent=group, slug="census")
    duplicate = ResourcePage(title="Census", slug="census", introduction="Summary.")
    library.add_child(
        instance=ResourcePage(title="Other", slug="other", introduction="x")
    )

    with pytest.raises(ValidationError) as error:
        library.add_child(instance=duplicate)
    assert "slug" in error.value.message_dict

    reserved = ResourcePage(title="Submit", slug="submit", introduction="Summary.")
    with pytest.raises(ValidationError) as error:
        library.add_child(instance=reserved)
    assert "reserved" in error.value.message_dict["slug"][0]


@pytest.mark.parametrize(
    ("doi", "stored"),
    [
        ("https://doi.org/10.54676/ABCD1234", "10.54676/ABCD1234"),
        ("doi:10.1000/xyz", "10.1000/xyz"),
        ("10.1000/xyz", "10.1000/xyz"),
    ],
)
def test_dois_are_stored_bare(library, doi, stored):
    assert ResourceFactory(doi=doi).doi == stored


@pytest.mark.parametrize(
    ("field", "value"),
    [("doi", "not a doi"), ("publication_year", 1492), ("publication_year", 3000)],
)
def test_invalid_metadata_is_refused(library, field, value):
    resource = ResourcePage(title="Bad", slug="bad", introduction="Summary.")
    setattr(resource, field, value)

    with pytest.raises(ValidationError) as error:
        library.add_child(instance=resource)
    assert field in error.value.message_dict


def test_a_summary_is_required(library):
    with pytest.raises(ValidationError) as error:
        library.add_child(instance=ResourcePage(title="No summary", slug="no-summary"))
    assert "introduction" in error.value.message_dict


def test_unknown_slugs_and_drafts_are_not_found(client, library):
    ResourceFactory(slug="draft-one", live=False)

    assert client.get("/knowledge/nothing-here/").status_code == 404
    assert client.get("/knowledge/draft-one/").status_code == 404


def test_the_index_is_unique_and_below_home(library):
    assert KnowledgeIndexPage.objects.count() == 1
    assert not KnowledgeIndexPage.can_create_at(library.get_parent())
