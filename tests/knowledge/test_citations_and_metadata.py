"""Citations (BibTeX, RIS), schema.org JSON-LD, Dublin Core and Atom feeds."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests.factories import DocumentFactory, OrganisationFactory, ResourceFactory

pytestmark = pytest.mark.django_db

EXPECTED_BIBTEX = """@techreport{diallo2021costing,
  title = {{Costing EMIS reforms: a guide}},
  author = {Diallo, Amina and Silva, João},
  year = {2021},
  institution = {UNESCO International Institute for Educational Planning},
  series = {IIEP information paper},
  number = {31},
  doi = {10.5555/emis-31},
  url = {https://example.org/costing},
  language = {en},
  keywords = {costing, financing}
}
"""

EXPECTED_RIS = (
    """TY  - RPRT
TI  - Costing EMIS reforms: a guide
AU  - Diallo, Amina
AU  - Silva, João
PY  - 2021
PB  - UNESCO International Institute for Educational Planning
T3  - IIEP information paper
IS  - 31
AB  - How to cost an EMIS reform over ten years.
KW  - costing
KW  - financing
LA  - en
DO  - 10.5555/emis-31
UR  - https://example.org/costing
"""
    + "ER  - \n"
)  # RIS ends each record with "ER  - " (trailing space included)


@pytest.fixture
def costing(library):
    return ResourceFactory(
        title="Costing EMIS reforms: a guide",
        slug="costing-emis-reforms",
        introduction="How to cost an EMIS reform over ten years.",
        format="report",
        authors="Diallo, Amina\nSilva, João",
        organisations=[
            OrganisationFactory(
                name="UNESCO International Institute for Educational Planning",
                acronym="IIEP",
                website="https://www.iiep.unesco.org",
            )
        ],
        publication_year=2021,
        series="IIEP information paper",
        series_number="31",
        doi="10.5555/emis-31",
        external_url="https://example.org/costing",
        tags=["financing", "costing"],
        licence="cc-by-sa-3.0-igo",
        regions=["africa"],
    )


def test_bibtex_of_a_resource(client, costing):
    response = client.get("/knowledge/costing-emis-reforms/cite.bib")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert 'filename="costing-emis-reforms.bib"' in response["Content-Disposition"]
    assert response.content.decode() == EXPECTED_BIBTEX


def test_ris_of_a_resource(client, costing):
    response = client.get("/knowledge/costing-emis-reforms/cite.ris")

    assert response["Content-Type"] == (
        "application/x-research-info-systems; charset=utf-8"
    )
    assert response.content.decode() == EXPECTED_RIS


def test_bibtex_escapes_special_characters_and_uses_corporate_authors(client, library):
    ResourceFactory(
        title="R&D spending: 50% of the {budget} for data_sets",
        slug="r-and-d",
        format="dataset",
        organisations=[OrganisationFactory(name="World Bank", acronym="")],
        publication_year=2020,
        tags=[],
    )

    text = client.get("/knowledge/r-and-d/cite.bib").content.decode()

    assert text.startswith("@misc{worldbank2020rd,\n")
    assert r"title = {{R\&D spending: 50\% of the \{budget\} for data\_sets}}," in text
    assert "author = {{World Bank}}," in text
    assert "howpublished = {Data set}," in text
    assert "url = {http://testserver/knowledge/r-and-d/}," in text


def test_the_filtered_list_cites_only_its_resources(client, costing):
    ResourceFactory(title="Costing a data set", format="dataset", publication_year=2021)
    ResourceFactory(title="Another report", format="report", publication_year=2015)

    bib = client.get("/knowledge/cite.bib?format=report&year_from=2020").content
    ris = client.get("/knowledge/cite.ris?q=costing").content.decode()

    assert bib.decode() == EXPECTED_BIBTEX
    assert ris.count("TY  - ") == 2
    assert "TI  - Costing a data set" in ris
    assert client.get("/knowledge/cite.pdf").status_code == 404


def json_ld(html: str) -> dict:
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL
    )
    return json.loads(match.group(1))


def test_resource_page_has_json_ld_dublin_core_and_open_graph(client, costing):
    html = client.get("/knowledge/costing-emis-reforms/").content.decode()

    data = json_ld(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Report"
    assert data["name"] == "Costing EMIS reforms: a guide"
    assert data["url"] == "http://testserver/knowledge/costing-emis-reforms/"
    assert data["author"] == [
        {"@type": "Person", "name": "Diallo, Amina"},
        {"@type": "Person", "name": "Silva, João"},
    ]
    assert data["publisher"][0]["alternateName"] == "IIEP"
    assert data["datePublished"] == "2021"
    assert data["isPartOf"] == {
        "@type": "CreativeWorkSeries",
        "name": "IIEP information paper",
    }
    assert data["position"] == "31"
    assert data["identifier"][0]["value"] == "10.5555/emis-31"
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/3.0/igo/"
    assert data["keywords"] == ["costing", "financing"]
    assert '<meta name="DC.title" content="Costing EMIS reforms: a guide">' in html
    assert '<meta name="DC.creator" content="Diallo, Amina">' in html
    assert '<meta name="DC.identifier" content="doi:10.5555/emis-31">' in html
    assert '<meta name="DC.type" content="Text">' in html
    assert '<meta property="og:title" content="Costing EMIS reforms: a guide">' in html
    assert "IIEP information paper no. 31" in html
    assert "Diallo, Amina; Silva, João (2021). Costing EMIS reforms: a guide." in html


@pytest.mark.parametrize(
    ("format", "schema_type"),
    [
        ("dataset", "Dataset"),
        ("training", "Course"),
        ("book", "Book"),
        ("webinar", "VideoObject"),
        ("lesson-learned", "Article"),
        ("tool", "SoftwareApplication"),
        ("policy", "Legislation"),
    ],
)
def test_json_ld_type_follows_the_format(client, library, format, schema_type):
    document = DocumentFactory(title="Data file")
    resource = ResourceFactory(format=format, attachments=[document])

    data = json_ld(client.get(resource.url).content.decode())

    assert data["@type"] == schema_type
    if format == "dataset":
        assert data["distribution"][0]["@type"] == "DataDownload"
        assert data["distribution"][0]["contentUrl"].endswith(document.url)


def test_json_ld_cannot_break_out_of_its_script(client, library):
    resource = ResourceFactory(title="</script><script>alert(1)</script>")

    html = client.get(resource.url).content.decode()

    assert "<script>alert(1)" not in html
    assert json_ld(html)["name"] == "</script><script>alert(1)</script>"


def test_lessons_show_their_structured_body(client, library):
    resource = ResourceFactory(
        format="lesson-learned",
        lesson_context="A ministry with paper forms.",
        lesson_challenge="Late data.",
        lesson_action="Tablets in every school.",
        lesson_result="Data two months earlier.",
        lesson_learned="Phase the roll-out.",
        lesson_recommendation="Start with one region.",
        lesson_contact="The EMIS unit",
    )

    html = client.get(resource.url).content.decode()

    for heading, text in [
        ("Context", "A ministry with paper forms."),
        ("Challenge", "Late data."),
        ("What was done", "Tablets in every school."),
        ("Result", "Data two months earlier."),
        ("The lesson", "Phase the roll-out."),
        ("Recommendation", "Start with one region."),
        ("Who to contact", "The EMIS unit"),
    ]:
        assert f"<dt>{heading}</dt>" in html
        assert text in html


def entries(response) -> list[str]:
    root = ET.fromstring(response.content)
    namespace = {"atom": "http://www.w3.org/2005/Atom"}
    return [
        entry.find("atom:title", namespace).text
        for entry in root.findall("atom:entry", namespace)
    ]


def test_atom_feeds(client, costing, group):
    ResourceFactory(title="Group paper", parent=group, tags=["costing"])

    everything = client.get("/feeds/resources/")
    assert everything["Content-Type"].startswith("application/atom+xml")
    assert entries(everything) == ["Group paper", "Costing EMIS reforms: a guide"]
    assert entries(client.get(f"/feeds/resources/group/{group.slug}/")) == [
        "Group paper"
    ]
    assert entries(client.get("/feeds/resources/tag/financing/")) == [
        "Costing EMIS reforms: a guide"
    ]
    assert b"http://testserver/knowledge/group-paper/" in everything.content
    assert client.get("/feeds/resources/group/nope/").status_code == 404
