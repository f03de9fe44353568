"""A real OAI-PMH harvester (Sickle, from PyPI) harvests the demo over HTTP:
every verb and set, resumption tokens, and a resource turning into a deleted
record when it is made members-only."""

import pytest
from django.contrib.auth.models import AnonymousUser
from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch

from knowledge.models import ResourcePage
from knowledge.selectors import resource_queryset_visible
from working_groups.models import Visibility

pytestmark = pytest.mark.django_db(transaction=True)


def harvested(iterator) -> list:
    try:
        return list(iterator)
    except NoRecordsMatch:
        return []


def test_sickle_harvests_every_public_record_and_sees_deletions(
    live_server, demo_content, settings
):
    settings.OAI_PAGE_SIZE = 4
    settings.OAI_REPOSITORY_ID = "emis.test"
    sickle = Sickle(f"{live_server.url}/oai/", max_retries=0)
    public = {
        f"oai:emis.test:resource/{pk}"
        for pk in resource_queryset_visible(user=AnonymousUser()).values_list(
            "pk", flat=True
        )
    }
    members_only = {
        f"oai:emis.test:resource/{pk}"
        for pk in ResourcePage.objects.filter(
            visibility=Visibility.MEMBERS
        ).values_list("pk", flat=True)
    }
    assert len(public) > settings.OAI_PAGE_SIZE and members_only

    identify = sickle.Identify()
    assert identify.deletedRecord == "persistent"
    assert identify.protocolVersion == "2.0"
    assert [f.metadataPrefix for f in sickle.ListMetadataFormats()] == ["oai_dc"]

    records = list(sickle.ListRecords(metadataPrefix="oai_dc"))
    assert {record.header.identifier for record in records} == public
    assert all(record.metadata["title"] for record in records)
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc"))
    assert {header.identifier for header in headers} == public

    sets = [oai_set.setSpec for oai_set in sickle.ListSets()]
    assert len([spec for spec in sets if spec.startswith("group:")]) == 3
    by_family: dict[str, set] = {}
    for spec in sets:
        found = {
            header.identifier
            for header in harvested(
                sickle.ListIdentifiers(metadataPrefix="oai_dc", set=spec)
            )
        }
        assert found <= public
        assert not found & members_only
        by_family.setdefault(spec.partition(":")[0], set()).update(found)
    for family in ("format", "knowledge_type", "level"):
        assert by_family[family] == public

    chosen = (
        resource_queryset_visible(user=AnonymousUser())
        .filter(owning_group__isnull=False)
        .order_by("pk")
        .first()
    )
    identifier = f"oai:emis.test:resource/{chosen.pk}"
    assert sickle.GetRecord(identifier=identifier, metadataPrefix="oai_dc").metadata[
        "title"
    ] == [chosen.title]

    chosen.visibility = Visibility.MEMBERS
    chosen.save_revision().publish()

    after = {
        header.identifier: header.deleted
        for header in sickle.ListIdentifiers(metadataPrefix="oai_dc")
    }
    assert after[identifier] is True
    assert {key for key, deleted in after.items() if not deleted} == public - {
        identifier
    }
    record = sickle.GetRecord(identifier=identifier, metadataPrefix="oai_dc")
    assert record.header.deleted is True
    assert not hasattr(record, "metadata")
