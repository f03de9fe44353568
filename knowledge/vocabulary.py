"""The library's controlled vocabulary (shared/PRODUCT.md): slugs used in code,
filters, URLs, imports and citations."""

from django.conf.global_settings import LANGUAGES as DJANGO_LANGUAGES
from django.db import models
from django.utils.translation import gettext_lazy as _


class KnowledgeType(models.TextChoices):
    EXPLICIT = "explicit", _("Explicit (documented)")
    TACIT = "tacit", _("Tacit (experience-based)")


class Format(models.TextChoices):
    REPORT = "report", _("Report")
    BOOK = "book", _("Book")
    ARTICLE = "article", _("Article")
    DATASET = "dataset", _("Data set")
    TRAINING = "training", _("Training programme or material")
    CONFERENCE_PAPER = "conference-paper", _("Conference paper")
    WEBINAR = "webinar", _("Webinar recording")
    POLICY = "policy", _("Policy, law or framework")
    CASE_STUDY = "case-study", _("Case study")
    LESSON_LEARNED = "lesson-learned", _("Lesson learned")
    STORY = "story", _("Story")
    MENTORSHIP = "mentorship", _("Mentorship")
    TOOL = "tool", _("Tool (software, template)")


TACIT_FORMATS = frozenset({Format.LESSON_LEARNED, Format.STORY, Format.MENTORSHIP})

# Formats whose page shows the structured lesson (context, challenge, ...).
STRUCTURED_LESSON_FORMATS = frozenset({Format.LESSON_LEARNED, Format.STORY})


def default_knowledge_type(format_slug: str) -> str:
    """Each format has a default knowledge type, which the author may override."""
    return (
        KnowledgeType.TACIT if format_slug in TACIT_FORMATS else KnowledgeType.EXPLICIT
    )


class Level(models.TextChoices):
    INTERNATIONAL = "international", _("International")
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")
    ALL_LEVELS = "all-levels", _("All levels")


class Region(models.TextChoices):
    """UNESCO's regional groupings, plus global."""

    GLOBAL = "global", _("Global")
    AFRICA = "africa", _("Africa")
    ARAB_STATES = "arab-states", _("Arab States")
    ASIA_PACIFIC = "asia-pacific", _("Asia and the Pacific")
    EUROPE_NORTH_AMERICA = "europe-north-america", _("Europe and North America")
    LATIN_AMERICA_CARIBBEAN = (
        "latin-america-caribbean",
        _("Latin America and the Caribbean"),
    )


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
    CC_BY_NC = "cc-by-nc-4.0", "CC BY-NC 4.0"
    CC_BY_NC_SA = "cc-by-nc-sa-4.0", "CC BY-NC-SA 4.0"
    CC_BY_ND = "cc-by-nd-4.0", "CC BY-ND 4.0"
    CC_BY_IGO = "cc-by-3.0-igo", "CC BY 3.0 IGO"
    CC_BY_SA_IGO = "cc-by-sa-3.0-igo", "CC BY-SA 3.0 IGO"
    CC0 = "cc0-1.0", _("CC0 (public domain)")
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")
    OTHER = "other", _("Other (see the publisher)")


LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    Licence.CC_BY_ND: "https://creativecommons.org/licenses/by-nd/4.0/",
    Licence.CC_BY_IGO: "https://creativecommons.org/licenses/by/3.0/igo/",
    Licence.CC_BY_SA_IGO: "https://creativecommons.org/licenses/by-sa/3.0/igo/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}

UN_LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
    ("ru", "Русский"),
    ("zh", "中文"),
]


def _language_choices() -> list[tuple[str, str]]:
    """ISO 639-1 codes: the six UN languages first, then the others by name."""
    un_codes = {code for code, _name in UN_LANGUAGES}
    others = sorted(
        (
            (code, name)
            for code, name in DJANGO_LANGUAGES
            if len(code) == 2 and code not in un_codes
        ),
        key=lambda item: item[1],
    )
    # Django's catalogue names the other languages in the reader's language.
    others = [(code, _(name)) for code, name in others]
    return UN_LANGUAGES + others


LANGUAGE_CHOICES = _language_choices()
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)

# schema.org type of each format, for JSON-LD.
SCHEMA_ORG_TYPES = {
    Format.REPORT: "Report",
    Format.BOOK: "Book",
    Format.ARTICLE: "ScholarlyArticle",
    Format.DATASET: "Dataset",
    Format.TRAINING: "Course",
    Format.CONFERENCE_PAPER: "ScholarlyArticle",
    Format.WEBINAR: "VideoObject",
    Format.POLICY: "Legislation",
    Format.CASE_STUDY: "Report",
    Format.LESSON_LEARNED: "Article",
    Format.STORY: "Article",
    Format.MENTORSHIP: "LearningResource",
    Format.TOOL: "SoftwareApplication",
}

# Dublin Core type vocabulary (DCMI Type).
DCMI_TYPES = {
    Format.DATASET: "Dataset",
    Format.WEBINAR: "MovingImage",
    Format.TOOL: "Software",
    Format.TRAINING: "InteractiveResource",
}

BIBTEX_TYPES = {
    Format.REPORT: "techreport",
    Format.BOOK: "book",
    Format.ARTICLE: "article",
    Format.CONFERENCE_PAPER: "inproceedings",
    Format.CASE_STUDY: "techreport",
}

RIS_TYPES = {
    Format.REPORT: "RPRT",
    Format.BOOK: "BOOK",
    Format.ARTICLE: "JOUR",
    Format.DATASET: "DATA",
    Format.TRAINING: "GEN",
    Format.CONFERENCE_PAPER: "CPAPER",
    Format.WEBINAR: "VIDEO",
    Format.POLICY: "GOVDOC",
    Format.CASE_STUDY: "RPRT",
    Format.LESSON_LEARNED: "GEN",
    Format.STORY: "GEN",
    Format.MENTORSHIP: "GEN",
    Format.TOOL: "COMP",
}

# CSL-JSON item types (citationstyles.org, CSL 1.0.2), as Zotero and Mendeley read them.
CSL_TYPES = {
    Format.REPORT: "report",
    Format.BOOK: "book",
    Format.ARTICLE: "article-journal",
    Format.DATASET: "dataset",
    Format.TRAINING: "document",
    Format.CONFERENCE_PAPER: "paper-conference",
    Format.WEBINAR: "speech",
    Format.POLICY: "legislation",
    Format.CASE_STUDY: "report",
    Format.LESSON_LEARNED: "document",
    Format.STORY: "document",
    Format.MENTORSHIP: "document",
    Format.TOOL: "software",
}

# How CSL types map back to formats when importing.
CSL_TYPE_FORMATS = {
    "report": Format.REPORT,
    "book": Format.BOOK,
    "chapter": Format.BOOK,
    "article": Format.ARTICLE,
    "article-journal": Format.ARTICLE,
    "article-magazine": Format.ARTICLE,
    "article-newspaper": Format.ARTICLE,
    "dataset": Format.DATASET,
    "paper-conference": Format.CONFERENCE_PAPER,
    "speech": Format.WEBINAR,
    "broadcast": Format.WEBINAR,
    "motion_picture": Format.WEBINAR,
    "legislation": Format.POLICY,
    "bill": Format.POLICY,
    "regulation": Format.POLICY,
    "legal_case": Format.POLICY,
    "software": Format.TOOL,
    "document": Format.REPORT,
    "webpage": Format.REPORT,
}

# How RIS types map back to formats when importing.
RIS_TYPE_FORMATS = {
    "RPRT": Format.REPORT,
    "BOOK": Format.BOOK,
    "CHAP": Format.BOOK,
    "EBOOK": Format.BOOK,
    "JOUR": Format.ARTICLE,
    "EJOUR": Format.ARTICLE,
    "MGZN": Format.ARTICLE,
    "NEWS": Format.ARTICLE,
    "DATA": Format.DATASET,
    "DBASE": Format.DATASET,
    "CONF": Format.CONFERENCE_PAPER,
    "CPAPER": Format.CONFERENCE_PAPER,
    "VIDEO": Format.WEBINAR,
    "MPCT": Format.WEBINAR,
    "GOVDOC": Format.POLICY,
    "BILL": Format.POLICY,
    "STAT": Format.POLICY,
    "LEGAL": Format.POLICY,
    "COMP": Format.TOOL,
    "ELEC": Format.REPORT,
    "GEN": Format.REPORT,
}
