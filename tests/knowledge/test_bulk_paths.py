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


@pytest.mark.parametrize("broad", [False, True], ids=["selective", "broad"])
def test_words_match_titles_publishers_tags_and_dois_whatever_the_breadth(
    client, library, monkeypatch, broad
):
    from knowledge import library_words

    library_words.is_broad.cache_clear()
    if broad:  # every text counts as broad: each row is tested
        monkeypatch.setattr(library_words, "BROAD_MATCHES", -1)
    uis = OrganisationFactory(name="Institute for Statistics", acronym="UIS")
    ResourceFactory(title="Censuses of schools", slug="censuses")
    ResourceFactory(title="Payroll audit", organisations=[uis], slug="payroll")
    ResourceFactory(title="Teacher records", tags=["teacher data"], slug="records")
    ResourceFactory(title="Open standards", doi="10.54676/ABCD1234", slug="doi")
    ResourceFactory(title="Unrelated handbook", slug="other")

    def found(text):
        response = client.get("/knowledge/", {"q": text})
        return sorted(r.slug for r in response.context["resources"])

    assert found("censuse") == ["censuses"]  # part of a title word
    assert found("uis") == ["payroll"]
    assert found("teacher data") == ["records"]
    assert found("https://doi.org/10.54676/abcd1234") == ["doi"]
    assert found("handbook") == ["other"]
    library_words.is_broad.cache_clear()
