"""OAI-PMH is public content only, whoever asks: a member or staff signed in
harvests exactly what a visitor does."""

import pytest

from tests.privacy_world import READERS, read_as, readers, world  # noqa: F401

from .conftest import NS, identifiers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def repository_id(settings):
    settings.OAI_REPOSITORY_ID = "testserver"


@pytest.mark.parametrize("reader", READERS)
def test_every_reader_harvests_public_resources_only(
    world,  # noqa: F811
    read_as,  # noqa: F811
    oai_schema,
    reader,
):
    from lxml import etree

    client = read_as(reader)

    def harvest(**params):
        document = etree.fromstring(client.get("/oai/", params).content)
        oai_schema.assertValid(document)
        return document

    listed = harvest(verb="ListRecords", metadataPrefix="oai_dc")
    assert identifiers(listed) == [
        f"oai:testserver:resource/{world.public_resource.pk}"
    ]
    titles = [node.text for node in listed.iterfind(".//dc:title", NS)]
    assert titles == ["Open census guide"]
    specs = {
        node.text for node in harvest(verb="ListSets").iterfind(".//oai:setSpec", NS)
    }
    assert "group:data-governance" in specs
    assert "group:closed-circle" not in specs
    for resource in (world.members_resource, world.private_group_resource):
        record = harvest(
            verb="GetRecord",
            metadataPrefix="oai_dc",
            identifier=f"oai:testserver:resource/{resource.pk}",
        )
        assert record.find("oai:error", NS).get("code") == "idDoesNotExist"
