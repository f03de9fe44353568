"""/oai/ speaks OAI-PMH 2.0: every verb and error answers with XML that
validates against the official schema, and only public resources are records."""

import pytest
from lxml import etree

from tests.factories import ResourceFactory, WorkingGroupFactory
from working_groups.models import Visibility

from .conftest import NS, error_codes, identifiers

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(home_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return WorkingGroupFactory(title="Data governance", slug="data-governance")


@pytest.fixture
def records(group):
    public = ResourceFactory(
        title="EMIS data governance & <policy> review",
        slug="governance-review",
        parent=group,
        authors="Mensah, Ama",
        tags=["governance"],
        doi="10.1234/review.1",
    )
    lesson = ResourceFactory(
        title="What we learned moving to the cloud", format="lesson-learned"
    )
    secret = ResourceFactory(
        title="Secret draft",
        slug="secret-draft",
        parent=group,
        visibility=Visibility.MEMBERS,
    )
    return public, lesson, secret


def oai_id(resource) -> str:
    return f"oai:testserver:resource/{resource.pk}"


@pytest.fixture(autouse=True)
def repository_id(settings):
    settings.OAI_REPOSITORY_ID = "testserver"


def test_identify_declares_persistent_deleted_records(harvest, records):
    document = harvest(verb="Identify")
    identify = document.find("oai:Identify", NS)
    assert identify.findtext("oai:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("oai:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext("oai:baseURL", namespaces=NS) == "http://testserver/oai/"


def test_list_records_has_public_resources_as_dublin_core(harvest, records):
    public, lesson, secret = records
    document = harvest(verb="ListRecords", metadataPrefix="oai_dc")
    assert identifiers(document) == [oai_id(public), oai_id(lesson)]
    record = document.find("oai:ListRecords/oai:record", NS)
    dc = record.find("oai:metadata/oai_dc:dc", NS)
    assert (
        dc.findtext("dc:title", namespaces=NS)
        == "EMIS data governance & <policy> review"
    )
    assert dc.findtext("dc:creator", namespaces=NS) == "Mensah, Ama"
    values = [node.text for node in dc.iterfind("dc:identifier", NS)]
    assert "http://testserver/knowledge/governance-review/" in values
    assert "doi:10.1234/review.1" in values
    specs = [node.text for node in record.iterfind("oai:header/oai:setSpec", NS)]
    assert specs == [
        "group:data-governance",
        "format:report",
        "knowledge_type:explicit",
        "level:national",
    ]


def test_members_only_resources_are_no_records(harvest, records):
    secret = records[2]
    listed = harvest(verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert oai_id(secret) not in identifiers(listed)
    document = harvest(
        verb="GetRecord", identifier=oai_id(secret), metadataPrefix="oai_dc"
    )
    assert error_codes(document) == ["idDoesNotExist"]
    document = harvest(verb="ListMetadataFormats", identifier=oai_id(secret))
    assert error_codes(document) == ["idDoesNotExist"]


def test_get_record_and_metadata_formats(harvest, records):
    public = records[0]
    document = harvest(
        verb="GetRecord", identifier=oai_id(public), metadataPrefix="oai_dc"
    )
    assert identifiers(document) == [oai_id(public)]
    formats = harvest(verb="ListMetadataFormats", identifier=oai_id(public))
    assert [node.text for node in formats.iterfind(".//oai:metadataPrefix", NS)] == [
        "oai_dc"
    ]


def test_sets_per_group_format_knowledge_type_and_level(harvest, records, group):
    private = WorkingGroupFactory(title="Closed circle", visibility=Visibility.MEMBERS)
    document = harvest(verb="ListSets")
    specs = [node.text for node in document.iterfind(".//oai:setSpec", NS)]
    assert {"group", "group:data-governance", "format:lesson-learned"} <= set(specs)
    assert {"knowledge_type:tacit", "level:regional"} <= set(specs)
    assert f"group:{private.slug}" not in specs

    in_group = harvest(
        verb="ListIdentifiers", metadataPrefix="oai_dc", set="group:data-governance"
    )
    assert identifiers(in_group) == [oai_id(records[0])]
    tacit = harvest(
        verb="ListIdentifiers", metadataPrefix="oai_dc", set="knowledge_type:tacit"
    )
    assert identifiers(tacit) == [oai_id(records[1])]


def test_resumption_tokens_split_long_lists(harvest, records, settings):
    settings.OAI_PAGE_SIZE = 1
    first = harvest(verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = first.find(".//oai:resumptionToken", NS)
    assert token.get("completeListSize") == "2"
    assert token.get("cursor") == "0"
    second = harvest(verb="ListIdentifiers", resumptionToken=token.text)
    last = second.find(".//oai:resumptionToken", NS)
    assert last.text is None and last.get("cursor") == "1"
    assert identifiers(first) + identifiers(second) == [oai_id(r) for r in records[:2]]


def test_from_and_until_select_by_datestamp(harvest, records):
    assert (
        len(
            identifiers(
                harvest(
                    verb="ListIdentifiers",
                    metadataPrefix="oai_dc",
                    **{"from": "2000-01-01"},
                )
            )
        )
        == 2
    )
    document = harvest(
        verb="ListIdentifiers", metadataPrefix="oai_dc", until="2000-01-01"
    )
    assert error_codes(document) == ["noRecordsMatch"]


@pytest.mark.parametrize(
    "params, code",
    [
        ({}, "badVerb"),
        ({"verb": "Harvest"}, "badVerb"),
        ({"verb": ["Identify", "Identify"]}, "badVerb"),
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]},
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"},
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2024-01-01",
                "until": "2024-02-01T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2024-02-01",
                "until": "2024-01-01",
            },
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": "x", "set": "format"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "resumptionToken": "forged"}, "badResumptionToken"),
        ({"verb": "ListSets", "resumptionToken": "forged"}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "metadataPrefix": "marc21"},
            "cannotDisseminateFormat",
        ),
        (
            {
                "verb": "GetRecord",
                "metadataPrefix": "mods",
                "identifier": "oai:testserver:resource/1",
            },
            "cannotDisseminateFormat",
        ),
        (
            {
                "verb": "GetRecord",
                "metadataPrefix": "oai_dc",
                "identifier": "oai:elsewhere:resource/1",
            },
            "idDoesNotExist",
        ),
        (
            {
                "verb": "ListIdentifiers",
                "metadataPrefix": "oai_dc",
                "set": "group:nowhere",
            },
            "noRecordsMatch",
        ),
    ],
)
def test_bad_requests_get_the_protocols_error_codes(harvest, records, params, code):
    document = harvest(**params)
    assert error_codes(document) == [code]
    request = document.find("oai:request", NS)
    if code in ("badVerb", "badArgument"):
        assert dict(request.attrib) == {}


def test_post_requests_are_answered_like_get(client, records, oai_schema):
    from lxml import etree

    response = client.post("/oai/", {"verb": "Identify"})
    assert response.status_code == 200
    oai_schema.assertValid(etree.fromstring(response.content))


def test_token_of_another_verb_is_rejected(harvest, records, settings):
    settings.OAI_PAGE_SIZE = 1
    token = harvest(verb="ListIdentifiers", metadataPrefix="oai_dc").findtext(
        ".//oai:resumptionToken", namespaces=NS
    )
    assert error_codes(harvest(verb="ListRecords", resumptionToken=token)) == [
        "badResumptionToken"
    ]


def test_a_listed_record_is_the_record_get_record_gives(harvest, records, group):
    """Lists read plain values (no page objects); each record must still be
    the one GetRecord builds from the page: sets (shared groups too), subjects,
    publishers, rights, identifiers."""
    from tests.factories import OrganisationFactory

    other = WorkingGroupFactory(title="Open data", slug="open-data")
    shared = ResourceFactory(
        title="Shared census guide",
        slug="shared-census-guide",
        parent=group,
        groups=[other],
        tags=["census", "guides"],
        organisations=[OrganisationFactory(name="UNESCO", acronym="UNESCO")],
        licence="cc-by-3.0-igo",
    )

    listed = harvest(verb="ListRecords", metadataPrefix="oai_dc")
    for resource in (records[0], records[1], shared):
        single = harvest(
            verb="GetRecord", metadataPrefix="oai_dc", identifier=oai_id(resource)
        )
        expected = single.find(".//oai:record", NS)
        found = [
            record
            for record in listed.iterfind(".//oai:record", NS)
            if record.findtext("oai:header/oai:identifier", namespaces=NS)
            == oai_id(resource)
        ]
        assert len(found) == 1
        found[0].tail = expected.tail = None  # the whitespace after it
        assert etree.tostring(found[0]) == etree.tostring(expected)
    specs = [node.text for node in listed.iterfind(".//oai:setSpec", NS)]
    assert "group:open-data" in specs
