"""Demo library (shared/PRODUCT.md): every format, knowledge type and level, the
publishers this field reads, a numbered series, lessons learned and stories,
members-only items in group 1, one submission approved through moderation and
one still waiting. Idempotent: resources are found again by slug (or title)."""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from wagtail.documents import get_document_model

from portal.demo import DemoContext

from .models import ResourceAttachment, ResourcePage
from .services import (
    knowledge_index_get_or_create,
    library_collection_get_or_create,
    library_moderation_setup,
    organisation_get_or_create,
    resource_moderate,
    resource_submit,
)

ORGANISATIONS = {
    "UNESCO": (
        "United Nations Educational, Scientific and Cultural Organization",
        "https://www.unesco.org",
    ),
    "UIS": ("UNESCO Institute for Statistics", "https://uis.unesco.org"),
    "IIEP": (
        "UNESCO International Institute for Educational Planning",
        "https://www.iiep.unesco.org",
    ),
    "World Bank": ("World Bank", "https://www.worldbank.org"),
    "UNICEF": ("United Nations Children's Fund", "https://www.unicef.org"),
    "ADEA": (
        "Association for the Development of Education in Africa",
        "https://www.adeanet.org",
    ),
}

# group: 0, 1, 2 for the three working groups, None for site-wide.
RESOURCES = [
    {
        "title": "Open standards for interoperable EMIS: a practical guide",
        "format": "report",
        "level": "international",
        "year": 2022,
        "group": 0,
        "organisations": ["UNESCO"],
        "featured": True,
        "regions": ["global"],
        "tags": ["interoperability", "open standards"],
        "licence": "cc-by-sa-3.0-igo",
        "authors": "Okafor, Ngozi\nSilva, João",
        "summary": "How ministries can use open data standards so that school, staff and learner systems exchange data without costly custom integrations.",
        "doi": "10.5555/emis-demo-0001",
        "attachment": "pdf",
    },
    {
        "title": "EMIS architecture options for low-bandwidth settings",
        "format": "conference-paper",
        "level": "regional",
        "year": 2021,
        "group": 0,
        "organisations": ["ADEA"],
        "regions": ["africa"],
        "series": "ADEA Triennale papers",
        "tags": ["architecture", "connectivity"],
        "authors": "Mensah, Kofi",
        "summary": "Offline-first collection, synchronisation and caching patterns compared for districts with intermittent connectivity.",
    },
    {
        "title": "Migrating a national EMIS to an open-source platform",
        "format": "case-study",
        "knowledge_type": "tacit",
        "level": "national",
        "year": 2020,
        "group": 0,
        "organisations": ["World Bank"],
        "countries": ["SN"],
        "tags": ["open source", "migration"],
        "regions": ["africa"],
        "summary": "A ministry's two-year move from a proprietary system to an open-source platform: planning, data migration, training and what they would do differently.",
    },
    {
        "title": "Integrating EMIS with HR and finance systems",
        "format": "conference-paper",
        "level": "national",
        "year": 2022,
        "group": 0,
        "organisations": ["World Bank"],
        "tags": ["interoperability", "teacher management"],
        "summary": "Linking teacher payroll and school finance data to the EMIS to plan deployments and spot ghost teachers.",
    },
    {
        "title": "Webinar: real-time school data with mobile collection",
        "format": "webinar",
        "level": "all-levels",
        "year": 2024,
        "group": 0,
        "organisations": ["UNICEF"],
        "tags": ["mobile data collection"],
        "external_url": "https://www.example.org/webinars/real-time-school-data",
        "summary": "Recording of the working group's webinar on collecting attendance and enrolment data from schools by phone and tablet.",
    },
    {
        "title": "Data governance frameworks for education ministries",
        "format": "policy",
        "level": "national",
        "year": 2022,
        "group": 1,
        "organisations": ["UNESCO"],
        "featured": True,
        "tags": ["data governance", "legal frameworks"],
        "regions": ["global"],
        "summary": "Model provisions on data ownership, roles, quality and sharing that ministries can adapt into a data governance policy for education.",
        "attachment": "pdf",
        "licence": "cc-by-sa-3.0-igo",
    },
    {
        "title": "Costing and financing EMIS reforms",
        "format": "book",
        "level": "international",
        "year": 2019,
        "group": 1,
        "organisations": ["World Bank"],
        "tags": ["financing"],
        "authors": "Rahman, Farida\nOkafor, Ngozi",
        "summary": "What EMIS reforms cost over ten years, who pays, and how to make the case to ministries of finance.",
        "doi": "10.5555/emis-demo-0007",
    },
    {
        "title": "Protection des données personnelles des élèves : cadre de référence",
        "format": "policy",
        "level": "regional",
        "year": 2021,
        "group": 1,
        "language": "fr",
        "organisations": ["ADEA"],
        "regions": ["africa"],
        "tags": ["data protection", "data governance"],
        "summary": "Un cadre de référence pour protéger les données personnelles des élèves dans les systèmes d'information de l'éducation.",
    },
    {
        "title": "Seminario web: gobernanza de datos educativos en la práctica",
        "format": "webinar",
        "level": "regional",
        "year": 2023,
        "group": 1,
        "language": "es",
        "organisations": ["UNESCO"],
        "regions": ["latin-america-caribbean"],
        "tags": ["data governance"],
        "external_url": "https://www.example.org/webinars/gobernanza-datos",
        "summary": "Grabación del seminario web sobre cómo los ministerios aplican reglas de gobernanza de datos en sus sistemas de información.",
    },
    {
        "title": "Using EMIS data for school-level planning",
        "format": "report",
        "level": "national",
        "year": 2019,
        "group": 2,
        "organisations": ["IIEP"],
        "series": "IIEP information paper",
        "series_number": "31",
        "tags": ["planning", "school-level data"],
        "authors": "Diallo, Amina",
        "summary": "How head teachers and school committees can read and use the data their EMIS already holds to plan the school year.",
        "attachment": "pdf",
    },
    {
        "title": "Education sector analysis: methodological guidelines, volume 3",
        "format": "book",
        "level": "national",
        "year": 2021,
        "group": None,
        "organisations": ["UNESCO", "IIEP", "World Bank", "UNICEF"],
        "series": "Education sector analysis guidelines",
        "series_number": "3",
        "tags": ["sector analysis", "planning"],
        "summary": "Thematic analyses for education sector plans, with a chapter on assessing the EMIS and the data it produces.",
    },
    {
        "title": "EMIS fundamentals: an online course for data officers",
        "format": "training",
        "level": "all-levels",
        "year": 2023,
        "group": 2,
        "organisations": ["UNESCO"],
        "tags": ["capacity development", "training"],
        "summary": "A self-paced course in six modules: indicators, data collection, quality checks, databases, dissemination and data use.",
        "external_url": "https://www.example.org/courses/emis-fundamentals",
    },
    {
        "title": "Formation des statisticiens de l'éducation : module 1",
        "format": "training",
        "level": "national",
        "year": 2020,
        "group": 2,
        "language": "fr",
        "organisations": ["ADEA"],
        "regions": ["africa"],
        "tags": ["capacity development"],
        "summary": "Premier module d'un programme de formation pour les statisticiens des ministères de l'éducation : collecte et contrôle qualité.",
    },
    {
        "title": "Mentorship programme for new EMIS managers",
        "format": "mentorship",
        "level": "all-levels",
        "year": 2024,
        "group": 2,
        "tags": ["mentorship", "capacity development"],
        "summary": "Experienced EMIS managers mentor newly appointed colleagues from other countries for six months: how it works and how to take part.",
    },
    {
        "title": "Education indicators: technical guidelines",
        "format": "report",
        "level": "international",
        "year": 2024,
        "group": None,
        "organisations": ["UIS"],
        "tags": ["indicators", "SDG 4"],
        "regions": ["global"],
        "summary": "Definitions, formulas and data sources of the indicators used to monitor SDG 4 and national education plans.",
        "publication_date": datetime.date(2024, 3, 15),
        "licence": "cc-by-sa-3.0-igo",
    },
    {
        "title": "SDG 4 benchmark indicators by country, 2015–2023",
        "format": "dataset",
        "level": "international",
        "year": 2024,
        "group": None,
        "organisations": ["UIS"],
        "tags": ["indicators", "SDG 4"],
        "regions": ["global"],
        "summary": "Country values of the SDG 4 benchmark indicators, one row per country, indicator and year.",
        "attachment": "csv",
        "licence": "cc-by-4.0",
    },
    {
        "title": "Learning outcomes data in national EMIS",
        "format": "article",
        "level": "international",
        "year": 2023,
        "group": None,
        "organisations": ["UNICEF"],
        "tags": ["learning assessment"],
        "authors": "Silva, João\nMensah, Kofi",
        "series": "Journal of Education Data",
        "doi": "10.5555/emis-demo-0017",
        "summary": "Why assessment results rarely reach the EMIS, and three ways countries have linked them.",
    },
    {
        "title": "EMIS diagnostic toolkit",
        "format": "tool",
        "level": "national",
        "year": 2018,
        "group": None,
        "organisations": ["UNESCO"],
        "tags": ["diagnostics"],
        "summary": "Questionnaires and scoring templates to assess an EMIS against a maturity model, with a facilitator's guide.",
        "attachment": "pdf",
    },
    {
        "title": "Gestión de la información educativa en América Latina",
        "format": "report",
        "level": "regional",
        "year": 2020,
        "group": None,
        "language": "es",
        "organisations": ["UNESCO"],
        "regions": ["latin-america-caribbean"],
        "tags": ["regional review"],
        "summary": "Panorama regional de los sistemas de información para la gestión educativa: cobertura, uso de datos y desafíos.",
    },
    {
        "title": "نظم معلومات إدارة التعليم في الدول العربية",
        "slug": "emis-in-the-arab-states",
        "format": "report",
        "level": "regional",
        "year": 2021,
        "group": None,
        "language": "ar",
        "organisations": ["UNESCO"],
        "regions": ["arab-states"],
        "tags": ["regional review"],
        "summary": "استعراض إقليمي لنظم معلومات إدارة التعليم في الدول العربية وتحدياتها.",
    },
    {
        "title": "Lesson learned: a data-sharing agreement before the first API call",
        "format": "lesson-learned",
        "level": "national",
        "year": 2022,
        "group": 1,
        "tags": ["data governance", "interoperability"],
        "summary": "Two ministries connected their systems in a week, then spent a year agreeing who could use the data.",
        "lesson": {
            "context": "The education and health ministries wanted to share school health data.",
            "challenge": "The technical link was ready long before anyone had agreed what the data could be used for.",
            "what_was_done": "A short data-sharing agreement was drafted with both legal teams, listing fields, purposes and retention.",
            "result": "Data now flows monthly, and the agreement became a template for other ministries.",
            "lesson": "Agree on purpose, fields and responsibilities before building the interface.",
            "recommendation": "Start every integration project with a one-page data-sharing agreement.",
            "contact": "Enabling environment working group",
        },
    },
    {
        "title": "Lesson learned: train district officers where they work",
        "format": "lesson-learned",
        "level": "national",
        "year": 2021,
        "group": 2,
        "tags": ["capacity development", "training"],
        "summary": "Training in the district office, on the officers' own data, worked better than workshops in the capital.",
        "lesson": {
            "context": "District education officers enter and check school census data.",
            "challenge": "After central workshops, error rates did not fall.",
            "what_was_done": "Trainers visited district offices and worked through each officer's own data.",
            "result": "Errors fell by a third within one census round.",
            "lesson": "People learn data skills best on their own data, in their own workplace.",
            "recommendation": "Budget for trainers to travel, not only for participants.",
            "contact": "Peer learning working group",
        },
    },
    {
        "title": "Leçon apprise : publier l'annuaire statistique à date fixe",
        "format": "lesson-learned",
        "level": "national",
        "year": 2020,
        "group": 2,
        "language": "fr",
        "regions": ["africa"],
        "tags": ["dissemination"],
        "summary": "Annoncer la date de publication de l'annuaire a changé la façon dont les directions préparent leurs données.",
        "lesson": {
            "context": "L'annuaire statistique paraissait avec des mois de retard.",
            "challenge": "Aucune échéance ne liait les directions régionales.",
            "what_was_done": "Le ministère a annoncé publiquement une date de publication fixe.",
            "result": "L'annuaire paraît désormais chaque année en mars.",
            "lesson": "Une date publique crée une obligation que tout le monde respecte.",
            "recommendation": "Annoncez la date de publication dès le début de la collecte.",
        },
    },
    {
        "title": "Story: how one district cut census errors by half",
        "format": "story",
        "level": "national",
        "year": 2023,
        "group": 2,
        "tags": ["data quality"],
        "featured": True,
        "summary": "A district statistician's account of the checklist that halved errors in the annual school census.",
        "lesson": {
            "context": "A rural district with 400 schools and one statistician.",
            "challenge": "Census forms came back with missing and impossible values.",
            "what_was_done": "A one-page checklist went out with the forms, and head teachers phoned in before submitting.",
            "result": "Errors fell by half in one year.",
            "lesson": "Simple checks at the source beat complex checks at the centre.",
            "contact": "Carlos Mendes",
        },
    },
    {
        "title": "Story: moving 12,000 schools to tablets",
        "format": "story",
        "level": "national",
        "year": 2024,
        "group": 0,
        "tags": ["mobile data collection"],
        "summary": "From paper forms to tablets in three years: the programme lead tells what went right and what did not.",
        "lesson": {
            "context": "A national programme replacing paper census forms.",
            "challenge": "Devices, connectivity and training for 12,000 head teachers.",
            "what_was_done": "A phased roll-out, region by region, with offline-first forms.",
            "result": "Data arrives two months earlier than before.",
            "lesson": "Phase roll-outs so each region learns from the last.",
        },
    },
    {
        "title": "Story: the peer exchange that changed our data calendar",
        "format": "story",
        "level": "regional",
        "year": 2022,
        "group": 2,
        "tags": ["peer learning"],
        "regions": ["asia-pacific"],
        "summary": "A week with a neighbouring ministry's EMIS team led to a new data calendar at home.",
        "lesson": {
            "context": "Two ministries in the same region, at different stages of EMIS development.",
            "challenge": "Our data collection calendar clashed with school holidays.",
            "what_was_done": "A peer exchange visit, then a joint review of both calendars.",
            "result": "A new calendar and a standing exchange between the two teams.",
            "lesson": "Peers who solved the same problem are the fastest teachers.",
        },
    },
    {
        "title": "Draft reference architecture for EMIS 2030",
        "format": "report",
        "level": "international",
        "year": 2025,
        "group": 0,
        "visibility": "members",
        "tags": ["architecture"],
        "summary": "Working draft of the group's reference architecture, for comment by members before publication.",
        "attachment": "pdf",
    },
    {
        "title": "Vendor round-table notes: what ministries asked for",
        "format": "article",
        "level": "international",
        "year": 2025,
        "group": 0,
        "visibility": "members",
        "tags": ["procurement"],
        "summary": "Notes from the closed round-table between ministries and EMIS vendors.",
    },
    {
        "title": "Lesson learned: negotiating source code escrow with vendors",
        "format": "lesson-learned",
        "level": "national",
        "year": 2024,
        "group": 0,
        "visibility": "members",
        "tags": ["procurement", "open source"],
        "summary": "What a ministry learned when its EMIS vendor went out of business.",
        "lesson": {
            "context": "A proprietary EMIS from a small vendor.",
            "challenge": "The vendor closed and the ministry had no source code.",
            "what_was_done": "The next contract included source code escrow and data export clauses.",
            "result": "The ministry can now change vendors without losing its system.",
            "lesson": "Own your code and your data from the first contract.",
            "recommendation": "Require escrow and documented data exports in every EMIS contract.",
        },
    },
]

# Shared by the demo member through /knowledge/submit/; the first is approved by
# the group's moderator, the second waits in the moderation queue.
SUBMISSIONS = [
    {
        "title": "School census data model and API specification",
        "format": "tool",
        "level": "national",
        "publication_year": 2023,
        "tags": ["api", "school census", "interoperability"],
        "summary": "A data model and REST API specification for the annual school census, ready to adapt.",
        "body_text": "The specification covers schools, classes, learners and staff.\n\nIt was written for our ministry and shared so others can reuse it.",
        "approve": True,
    },
    {
        "title": "Lesson learned: start the school census redesign with the forms",
        "format": "lesson-learned",
        "level": "national",
        "publication_year": 2023,
        "tags": ["school census", "data quality"],
        "summary": "We redesigned the software first and the forms last, and wished we had done the opposite.",
        "lesson": {
            "context": "A census system redesign in a mid-sized ministry.",
            "challenge": "The new software reproduced every flaw of the old paper forms.",
            "what_was_done": "The team paused development and redesigned the forms with head teachers.",
            "result": "Shorter forms and fewer errors, six months later than planned.",
            "lesson": "Fix what you collect before you fix how you collect it.",
            "recommendation": "Test new forms with head teachers before writing any code.",
            "contact": "Carlos Mendes",
        },
        "approve": False,
    },
]


def simple_pdf(title: str) -> bytes:
    """A one-page PDF showing ``title``: enough for demo downloads."""
    text = title.encode("latin-1", "replace").decode("latin-1")
    text = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 60 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length "
        + str(len(stream)).encode()
        + b" >>\nstream\n"
        + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(output)
    output += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        output += f"{offset:010d} 00000 n \n".encode()
    output += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(output)


def demo_csv() -> bytes:
    rows = ["country,indicator,year,value"]
    for country, base in (("SEN", 61.2), ("KEN", 74.5), ("PER", 88.1), ("JOR", 90.4)):
        for offset, year in enumerate(range(2019, 2024)):
            rows.append(
                f"{country},completion_rate_primary,{year},{base + offset * 0.8:.1f}"
            )
    return ("\n".join(rows) + "\n").encode()


def demo_document(title: str, kind: str, owner):
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is not None:
        return document
    content = simple_pdf(title) if kind == "pdf" else demo_csv()
    document = Document(
        title=title,
        file=ContentFile(content, name=f"{slugify(title)[:60]}.{kind}"),
        uploaded_by_user=owner,
        collection=library_collection_get_or_create(),
    )
    document._set_document_file_metadata()
    document.save()
    return document


def resource_create(data: dict, *, parent, owner, organisations):
    lesson = data.get("lesson") or {}
    resource = ResourcePage(
        title=data["title"],
        slug=data.get("slug") or slugify(data["title"])[:80],
        introduction=data["summary"],
        format=data["format"],
        knowledge_type=data.get("knowledge_type", ""),
        level=data["level"],
        language=data.get("language", "en"),
        publication_year=data.get("year"),
        publication_date=data.get("publication_date"),
        series=data.get("series", ""),
        series_number=data.get("series_number", ""),
        authors=data.get("authors", ""),
        doi=data.get("doi", ""),
        external_url=data.get("external_url", ""),
        licence=data.get("licence", ""),
        regions=data.get("regions", []),
        countries=data.get("countries", []),
        visibility=data.get("visibility", "public"),
        featured=data.get("featured", False),
        owner=owner,
        lesson_context=lesson.get("context", ""),
        lesson_challenge=lesson.get("challenge", ""),
        lesson_action=lesson.get("what_was_done", ""),
        lesson_result=lesson.get("result", ""),
        lesson_learned=lesson.get("lesson", ""),
        lesson_recommendation=lesson.get("recommendation", ""),
        lesson_contact=lesson.get("contact", ""),
    )
    resource.tags.set(data.get("tags", []))
    resource.organisations = [
        organisations[key] for key in data.get("organisations", [])
    ]
    if data.get("attachment"):
        document = demo_document(data["title"], data["attachment"], owner)
        resource.attachments = [ResourceAttachment(document=document)]
    parent.add_child(instance=resource)
    resource.save_revision(user=owner).publish(user=owner)
    return resource


@transaction.atomic
def load(context: DemoContext) -> None:
    from working_groups.models import Membership
    from working_groups.services import group_moderation_setup, moderator_rights_sync

    index = knowledge_index_get_or_create()
    library_moderation_setup(index=index)
    groups = context.objects.get("groups") or []
    admin = context.users["admin"]
    organisations = {
        key: organisation_get_or_create(
            name=name, acronym=key if key != "World Bank" else ""
        )
        for key, (name, _website) in ORGANISATIONS.items()
    }
    for key, (_name, website) in ORGANISATIONS.items():
        if not organisations[key].website:
            organisations[key].website = website
            organisations[key].save(update_fields=["website"])

    created = 0
    for data in RESOURCES:
        slug = data.get("slug") or slugify(data["title"])[:80]
        if ResourcePage.objects.filter(slug=slug).exists():
            continue
        group_index = data.get("group")
        if group_index is not None and group_index >= len(groups):
            continue
        parent = groups[group_index] if group_index is not None else index
        resource_create(
            data,
            parent=parent,
            owner=admin,
            organisations=organisations,
        )
        created += 1

    if groups:
        group = groups[0]
        # Usually done after the group's commit; the demo may run inside one.
        group_moderation_setup(group=group)
        for membership in Membership.objects.filter(group=group):
            moderator_rights_sync(membership=membership)
        member, moderator = context.users["member"], context.users["moderator"]
        for data in SUBMISSIONS:
            if ResourcePage.objects.filter(title=data["title"]).exists():
                continue
            fields = {k: v for k, v in data.items() if k != "approve"}
            resource = resource_submit(submitter=member, group=group, **fields)
            created += 1
            if data["approve"]:
                resource_moderate(
                    resource=resource,
                    moderator=moderator,
                    approve=True,
                    comment="Thank you, a very useful specification.",
                )
    context.objects["knowledge_index"] = index
    context.write(f"Knowledge library ready ({created} resources added).")
