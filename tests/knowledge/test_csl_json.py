"""CSL-JSON beside BibTeX and RIS: per resource and per filtered list, for those
who may see the resources; CSL-JSON import; and the portal's own RIS and CSL-JSON
exports re-imported are recognised as the same records (dry run: 0 new, all
unchanged)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from knowledge.models import ResourcePage
from tests.factories import OrganisationFactory, ResourceFactory
from tests.privacy_world import INSIDERS, READERS, read_as, readers, world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_resource_as_csl_json(library, client):
    ResourceFactory(
        title="Education data  governance",
        slug="data-governance-guide",
        authors="Mensah, Ama\nUNESCO Institute for Statistics",
        organisations=[OrganisationFactory(name="UNESCO")],
        publication_year=2021,
        series="Information papers",
        series_number="12",
        doi="10.1234/emis.12",
        tags=["governance", "census"],
        format="lesson-learned",
    )
    response = client.get("/knowledge/data-governance-guide/cite.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.citationstyles.csl+json"
    )
    [item] = json.loads(response.content)
    assert item["type"] == "document"
    assert item["title"] == "Education data governance"
    assert item["author"] == [
        {"family": "Mensah", "given": "Ama"},
        {"literal": "UNESCO Institute for Statistics"},
    ]
    assert item["issued"] == {"date-parts": [[2021]]}
    assert item["publisher"] == "UNESCO"
    assert item["collection-title"] == "Information papers"
    assert item["collection-number"] == "12"
    assert item["DOI"] == "10.1234/emis.12"
    assert item["keyword"] == "census; governance"
    assert item["URL"] == "http://testserver/knowledge/data-governance-guide/"


@pytest.mark.parametrize("reader", READERS)
def test_csl_json_only_for_those_who_may_see(world, read_as, reader):  # noqa: F811
    client = read_as(reader)
    secret = client.get("/knowledge/secret-budget-draft/cite.json")
    assert secret.status_code == (200 if reader in INSIDERS else 404)
    listed = {item["title"] for item in client.get("/knowledge/cite.json").json()}
    assert "Open census guide" in listed
    assert ("Secret budget draft" in listed) is (reader in INSIDERS)
    assert ("Closed circle notes" in listed) is (reader in INSIDERS)


def test_filtered_list_as_csl_json(library, client):
    ResourceFactory(title="A lesson", format="lesson-learned")
    ResourceFactory(title="A report", format="report")
    items = client.get("/knowledge/cite.json?knowledge_type=tacit").json()
    assert [item["title"] for item in items] == ["A lesson"]


def test_csl_json_import_creates_then_recognises(library, tmp_path):
    items = [
        {
            "id": "x",
            "type": "report",
            "title": "Learning from EMIS reforms",
            "author": [{"family": "Diallo", "given": "Awa"}],
            "issued": {"date-parts": [[2022, 5, 3]]},
            "publisher": "ADEA",
            "DOI": "10.5555/emis.1",
            "keyword": "reform, peer learning",
            "abstract": "What ten countries learned.",
        },
        {"type": "report"},
    ]
    path = tmp_path / "items.json"
    path.write_text(json.dumps(items))
    out = StringIO()
    call_command("import_resources", str(path), "--no-progress", stdout=out)
    assert "1 created, 0 updated, 0 unchanged, 1 rejected (of 2 rows)" in out.getvalue()
    resource = ResourcePage.objects.get(doi="10.5555/emis.1")
    assert resource.author_list == ["Diallo, Awa"]
    assert str(resource.publication_date) == "2022-05-03"
    assert sorted(tag.name for tag in resource.tags.all()) == [
        "peer learning",
        "reform",
    ]
    out = StringIO()
    call_command("import_resources", str(path), "--no-progress", stdout=out)
    assert "0 created, 0 updated, 1 unchanged" in out.getvalue()


@pytest.mark.parametrize("fmt", ["ris", "json"])
def test_own_export_reimported_is_unchanged(demo_content, client, tmp_path, fmt):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.filter(is_superuser=True).first())
    response = client.get(f"/knowledge/cite.{fmt}")
    assert response.status_code == 200
    path = tmp_path / f"library.{fmt}"
    path.write_bytes(response.content)
    total = ResourcePage.objects.live().count()
    assert total > 10
    out = StringIO()
    call_command(
        "import_resources", str(path), "--dry-run", "--no-progress", stdout=out
    )
    assert (
        f"0 created, 0 updated, {total} unchanged, 0 rejected (of {total} rows)"
        in out.getvalue()
    ), out.getvalue()
    assert (
        ResourcePage.objects.count()
        == total + ResourcePage.objects.filter(live=False).count()
    )
