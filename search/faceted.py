"""The faceted search every backend answers: whitelisted filters, boosted fields,
the query a visitor typed, and the shape of the results.

Facets combine with AND across facets and OR within one facet; each facet's counts
are computed with the other facets' filters applied but not its own, so a visitor
can widen a choice as easily as narrow it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from .documents import MARK_END, MARK_START, Kind

# Boosts shared by the backends: a title match beats a tag match beats a summary
# match beats a body match. PostgreSQL turns them into tsvector weights A/A/B/C.
FIELD_BOOSTS = {"title": 4.0, "tags": 3.0, "summary": 2.0, "body": 1.0}

PER_PAGE = 10
MAX_PER_PAGE = 50
MAX_RESULT_WINDOW = 10_000  # Elasticsearch's default; deeper pages are refused
MAX_FILTER_VALUES = 20
FACET_SIZE = 15

KNOWLEDGE_TYPE_LABELS = {
    "explicit": _("Explicit (documented)"),
    "tacit": _("Tacit (experience-based)"),
}
FORMAT_LABELS = {
    "report": _("Report"),
    "book": _("Book"),
    "article": _("Article"),
    "dataset": _("Data set"),
    "training": _("Training"),
    "conference-paper": _("Conference paper"),
    "webinar": _("Webinar recording"),
    "policy": _("Policy"),
    "case-study": _("Case study"),
    "lesson-learned": _("Lesson learned"),
    "story": _("Story"),
    "mentorship": _("Mentorship"),
    "tool": _("Tool"),
}
LEVEL_LABELS = {
    "international": _("International"),
    "regional": _("Regional"),
    "national": _("National"),
    "all-levels": _("All levels"),
}


def _region_label(code: str) -> str:
    try:
        from knowledge.vocabulary import Region
    except ImportError:
        return code
    return str(dict(Region.choices).get(code, code))


def _country_label(code: str) -> str:
    from django_countries import countries

    return str(countries.name(code)) or code


def _country_value(value: str) -> str | None:
    value = value.strip().upper()
    return value if re.fullmatch(r"[A-Z]{2}", value) else None


def _format_label(code: str) -> str:
    return str(FORMAT_LABELS.get(code, code))


def _language_label(code: str) -> str:
    from django.utils.translation import get_language_info

    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


def _slug_value(value: str) -> str | None:
    value = value.strip().lower()
    return value if re.fullmatch(r"[\w.-]{1,100}", value) else None


def _int_value(value: str) -> str | None:
    value = value.strip()
    return value if re.fullmatch(r"\d{1,9}", value) else None


def _tag_value(value: str) -> str | None:
    value = value.strip().lower()
    return value if 0 < len(value) <= 100 else None


@dataclass(frozen=True)
class Facet:
    name: str  # the query parameter
    label: str
    field: str  # the document field
    clean: Callable[[str], str | None] = _slug_value
    labels: Callable[[str], str] | None = None
    numeric: bool = False
    multi_valued: bool = False
    page: Callable[[str], str] | None = None  # a page about the value (places)

    def value_label(self, value: str) -> str:
        if not self.labels:
            return value
        # Labels are fixed per language: translated once per process.
        key = (self.name, value, get_language())
        label = _LABELS.get(key)
        if label is None:
            label = str(self.labels(value))
            if len(_LABELS) < LABELS_SIZE:
                _LABELS[key] = label
        return label


LABELS_SIZE = 20_000
_LABELS: dict[tuple[str, str, str | None], str] = {}


FACETS: tuple[Facet, ...] = (
    Facet("kind", _("Type"), "kind", labels=Kind.label),
    Facet(
        "knowledge_type",
        _("Knowledge type"),
        "knowledge_type",
        labels=lambda v: KNOWLEDGE_TYPE_LABELS.get(v, v),
    ),
    Facet("format", _("Format"), "format", labels=_format_label),
    Facet("level", _("Level"), "level", labels=lambda v: LEVEL_LABELS.get(v, v)),
    # Labels of working groups come from the view (only groups the user may see).
    Facet(
        "group",
        _("Working group"),
        "working_groups",
        clean=_int_value,
        numeric=True,
        multi_valued=True,
    ),
    Facet("tag", _("Tag"), "tags", clean=_tag_value, multi_valued=True),
    Facet("year", _("Year"), "year", clean=_int_value, numeric=True),
    Facet("language", _("Language"), "language", labels=_language_label),
    Facet(
        "region",
        _("Region"),
        "regions",
        clean=_slug_value,
        labels=_region_label,
        multi_valued=True,
        page=lambda slug: f"/regions/{slug}/",
    ),
    Facet(
        "country",
        _("Country"),
        "countries",
        clean=_country_value,
        labels=_country_label,
        multi_valued=True,
        page=lambda code: f"/countries/{code.lower()}/",
    ),
    # Labels of forums come from the view (only forums the user may see).
    Facet("forum", _("Forum"), "forum"),
)
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}


class Sort:
    RELEVANCE = "relevance"
    DATE = "date"
    choices = ((RELEVANCE, _("Relevance")), (DATE, _("Newest first")))


@dataclass
class SearchQuery:
    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = Sort.RELEVANCE
    page: int = 1
    per_page: int = PER_PAGE
    # Alerts only: documents first indexed after this moment (database backend).
    indexed_after: datetime | None = None
    # False when the visitor asked for their exact spelling ("search instead for").
    autocorrect: bool = True

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def is_empty(self) -> bool:
        return not self.text and not self.filters

    @property
    def effective_sort(self) -> str:
        return Sort.DATE if not self.text else self.sort

    def with_text(self, text: str) -> SearchQuery:
        return SearchQuery(
            text, dict(self.filters), self.sort, self.page, self.per_page
        )

    def params(self) -> QueryDict:
        """The query as URL parameters (for links, saved searches and alerts)."""
        query = QueryDict(mutable=True)
        if self.text:
            query["q"] = self.text
        for name, values in self.filters.items():
            query.setlist(name, list(values))
        if self.sort != Sort.RELEVANCE:
            query["sort"] = self.sort
        return query

    def as_dict(self) -> dict:
        return {
            "q": self.text,
            "filters": {k: list(v) for k, v in self.filters.items()},
        }


@dataclass
class QueryProblems:
    notices: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    junk: bool = False


_CONTROL = re.compile(r"[\x00-\x1f\x7f\ufff9-\ufffb]")


def clean_text(raw: str | None) -> tuple[str, bool]:
    """Collapse whitespace, drop control characters; cap the length (ReDoS-safe)."""
    limit = settings.SEARCH_QUERY_MAX_LENGTH
    raw = (raw or "")[: limit * 4]
    text = " ".join(_CONTROL.sub(" ", raw).split())
    if len(text) > limit:
        return text[:limit].rstrip(), True
    return text, False


def search_query_from_params(params, *, per_page: int = PER_PAGE):
    """A SearchQuery from request parameters, with what we had to correct."""
    problems = QueryProblems()
    text, shortened = clean_text(params.get("q"))
    if shortened:
        problems.notices.append(
            ngettext(
                "Your search was shortened to its first %(limit)s character.",
                "Your search was shortened to its first %(limit)s characters.",
                settings.SEARCH_QUERY_MAX_LENGTH,
            )
            % {"limit": settings.SEARCH_QUERY_MAX_LENGTH}
        )
    if text and not any(ch.isalnum() for ch in text):
        problems.junk = True
        text = ""
    filters = {}
    for facet in FACETS:
        values = []
        for raw in params.getlist(facet.name)[: MAX_FILTER_VALUES * 2]:
            value = facet.clean(raw or "")
            if value is not None and value not in values:
                values.append(value)
        if values:
            filters[facet.name] = tuple(values[:MAX_FILTER_VALUES])
    sort = params.get("sort") or Sort.RELEVANCE
    if sort == "newest":
        sort = Sort.DATE
    if sort not in (Sort.RELEVANCE, Sort.DATE):
        sort = Sort.RELEVANCE
    try:
        per_page = max(1, min(int(params.get("per_page") or per_page), MAX_PER_PAGE))
    except (TypeError, ValueError):
        problems.errors.append(_("per_page must be a number."))
    page_raw = params.get("page") or "1"
    try:
        page = int(page_raw)
        if page < 1:
            raise ValueError
    except (TypeError, ValueError):
        problems.errors.append(_("page must be a positive number."))
        page = 1
    last_page = MAX_RESULT_WINDOW // per_page
    if page > last_page:
        problems.notices.append(
            ngettext(
                "Only the first %(n)s page of results can be shown; refine your search.",
                "Only the first %(n)s pages of results can be shown; refine your search.",
                last_page,
            )
            % {"n": last_page}
        )
        page = last_page
    query = SearchQuery(text, filters, sort, page, per_page)
    query.autocorrect = params.get("spelling") != "exact"
    return query, problems


# Query syntax shared by the backends: websearch_to_tsquery's — words, "quoted
# phrases", -exclusions and `or` between alternatives.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass
class QueryToken:
    text: str
    phrase: bool = False
    negated: bool = False
    is_or: bool = False


def query_tokens(text: str) -> list[QueryToken]:
    tokens = []
    for negation, phrase, word in _TOKEN.findall(text):
        if word:
            if word.lower() == "or":
                tokens.append(QueryToken("or", is_or=True))
                continue
            negated = word.startswith("-") and len(word) > 1
            tokens.append(QueryToken(word[1:] if negated else word, negated=negated))
        elif phrase.strip():
            tokens.append(
                QueryToken(phrase.strip(), phrase=True, negated=bool(negation))
            )
    return tokens


def has_operators(text: str) -> bool:
    return any(t.phrase or t.negated or t.is_or for t in query_tokens(text))


WORD = re.compile(r"\w+")


# Results


def highlight_html(text: str | None) -> SafeString:
    """Escape engine output, then turn the private-use markers into <mark>."""
    escaped = escape(text or "")
    # Escaped above: only our markers become tags.
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


@dataclass
class SearchHit:
    key: str
    source: str
    object_id: int
    kind: str
    title: str
    url: str
    summary: str = ""
    date: datetime | None = None
    tags: list[str] = field(default_factory=list)
    language: str = "en"
    is_public: bool = True
    knowledge_type: str = ""
    format: str = ""
    level: str = ""
    working_groups: list[int] = field(default_factory=list)
    score: float = 0.0
    title_highlight: str = ""  # with MARK_START/MARK_END markers
    snippet: str = ""  # with markers
    # One hit per discussion: other matching documents of the same collapse
    # key (replies), and the page of the group (the thread) when this hit, its
    # best match, is one of them.
    collapse_key: str = ""
    matching_replies: int = 0
    group_url: str = ""

    def __post_init__(self):
        from .snippets import clean_snippet

        self.collapse_key = self.collapse_key or self.key
        self.snippet = clean_snippet(self.snippet, self.title)

    @property
    def kind_label(self) -> str:
        return Kind.label(self.kind)

    @property
    def is_reply(self) -> bool:
        """The best match of a discussion is one of its replies."""
        return self.collapse_key != self.key

    @property
    def link(self) -> str:
        """Where the title leads: the discussion, for a discussion's hit."""
        return self.group_url or self.url

    @property
    def title_html(self) -> SafeString:
        return highlight_html(self.title_highlight or self.title)

    @property
    def snippet_html(self) -> SafeString:
        from .snippets import strip_markdown

        if self.snippet:
            return highlight_html(self.snippet)
        summary = strip_markdown(self.summary)
        if len(summary) > 300:
            summary = summary[:300].rsplit(" ", 1)[0] + " …"
        return highlight_html(summary)

    @property
    def is_highlighted(self) -> bool:
        return MARK_START in (self.title_highlight or "") or MARK_START in (
            self.snippet or ""
        )

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "title": self.title,
            "title_html": str(self.title_html),
            "url": self.link,
            "best_reply_url": self.url if self.is_reply else None,
            "matching_replies": self.matching_replies,
            "snippet_html": str(self.snippet_html),
            "date": self.date.isoformat() if self.date else None,
            "tags": self.tags,
            "language": self.language,
            "knowledge_type": self.knowledge_type or None,
            "format": self.format or None,
            "level": self.level or None,
            "private": not self.is_public,
            "score": round(self.score, 4),
        }


@dataclass
class FacetBucket:
    value: str
    count: int
    label: str = ""
    selected: bool = False
    url: str = ""


@dataclass
class FacetResult:
    name: str
    label: str
    buckets: list[FacetBucket] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "label": str(self.label),
            "buckets": [
                {
                    "value": b.value,
                    "label": b.label or b.value,
                    "count": b.count,
                    "selected": b.selected,
                }
                for b in self.buckets
            ],
        }


@dataclass
class SearchResults:
    query: SearchQuery
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    facets: dict[str, FacetResult] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean"
    corrected_text: str | None = None  # results shown for this text instead
    engine: str = "database"
    degraded: bool = False
    # Broad queries on the database backend: an estimated total, facet counts
    # scaled from the newest matches, and only the first ``browsable`` hits.
    total_approximate: bool = False
    facets_approximate: bool = False
    browsable: int | None = None

    @property
    def reachable(self) -> int:
        limits = [self.total, MAX_RESULT_WINDOW]
        if self.browsable is not None:
            limits.append(self.browsable)
        return min(limits)

    @property
    def has_next(self) -> bool:
        return self.query.offset + len(self.hits) < self.reachable

    @property
    def facet_list(self) -> list[FacetResult]:
        return [self.facets[f.name] for f in FACETS if f.name in self.facets]


def facet_results(
    query: SearchQuery, counts: dict[str, dict[str, int]]
) -> dict[str, FacetResult]:
    """Facet results from raw counts; selected values always shown (count 0 if need be)."""
    results = {}
    for facet in FACETS:
        raw = dict(counts.get(facet.name, {}))
        selected = set(query.filters.get(facet.name, ()))
        for value in selected:
            raw.setdefault(value, 0)
        ordered = sorted(raw.items(), key=lambda item: (-item[1], item[0]))
        if facet.name == "year":
            ordered = sorted(raw.items(), key=lambda item: item[0], reverse=True)
        buckets = [
            FacetBucket(
                value=value,
                count=count,
                label=facet.value_label(value),
                selected=value in selected,
                url=facet.page(value) if facet.page else "",
            )
            for value, count in ordered
            if count > 0 or value in selected
        ]
        results[facet.name] = FacetResult(facet.name, str(facet.label), buckets)
    return results


@dataclass
class Suggestion:
    text: str
    url: str
    kind: str  # a document kind, or "tag"

    @property
    def kind_label(self) -> str:
        if self.kind == "tag":
            return str(_("Tag"))
        return Kind.label(self.kind)

    def as_json(self) -> dict:
        return {"text": self.text, "url": self.url, "kind_label": self.kind_label}


def tag_search_url(search_url: str, tag: str) -> str:
    """Where a tag suggestion leads: the tag's words, filtered to the tag (so the
    hits are highlighted and the filter can be removed)."""
    from urllib.parse import urlencode

    return f"{search_url}?{urlencode({'q': tag.replace('-', ' '), 'tag': tag})}"
