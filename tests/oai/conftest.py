from pathlib import Path

import pytest
from lxml import etree

SCHEMAS = Path(__file__).parent / "schemas"
NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


@pytest.fixture(scope="session")
def oai_schema():
    """The official OAI-PMH 2.0 schema (strict on metadata) with oai_dc's."""
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "harvest.xsd")))


@pytest.fixture
def harvest(client, oai_schema):
    """GET /oai/ with these arguments; the response must validate against the
    schema; returns the parsed document."""

    def _harvest(**params):
        response = client.get("/oai/", params)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/xml")
        document = etree.fromstring(response.content)
        oai_schema.assertValid(document)
        return document

    return _harvest


def error_codes(document) -> list[str]:
    return [error.get("code") for error in document.findall("oai:error", NS)]


def identifiers(document) -> list[str]:
    return [node.text for node in document.iterfind(".//oai:header/oai:identifier", NS)]
