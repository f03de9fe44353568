"""The library's bulk paths at size: a list export reads its resources'
publishers and tags in bulk yet cites each one as the resource's own export
does; the tag index is counted once and kept until a resource changes."""

import pytest

from tests.factories import OrganisationFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def test_a_list_export_cites_each_resource_as_its_own_export_does(client, library):
    unesco = OrganisationFactory(name="UNESCO", acronym="UNESCO")
    bank = OrganisationFactory(name="World Bank", acronym="WB")
    for number in range(3):
        ResourceFactory(
            title=f"School census handbook {number}",
            slug=f"census-handbook-{number}",
            format="report",
            publication_year=2020 + number,
            tags=["school census", f"edition {number}"],
            organisations=[bank, unesco],
        )

    listed = client.get("/knowledge/cite.ris?format=report").content.decode()
    own = [
        client.get(f"/knowledge/census-handbook-{number}/cite.ris").content.decode()
        for number in range(3)
    ]

    for record in own:
        assert record.strip() in listed
    assert "PB  - UNESCO; World Bank" in listed
    assert "KW  - edition 2" in listed


def test_the_tag_index_shows_a_new_tag_once_its_resource_is_published(
    client, library, django_capture_on_commit_callbacks
):
    ResourceFactory(title="Census guide", tags=["census"])
    assert "/knowledge/tags/census/" in client.get("/knowledge/tags/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        ResourceFactory(title="Payroll audit", tags=["teacher payroll"])
    index = client.get("/knowledge/tags/").content.decode()

    assert "/knowledge/tags/teacher-payroll/" in index
