"""What goes into a search document, and what never does.

Each app describes its own content with a provider in ``<app>/search_documents.py``
(discovered when the search app is ready). A provider turns model instances into
:class:`SearchDocument` objects, or into ``None`` when an instance must not be
searchable: drafts, unpublished pages, hidden or deleted posts. The search backends
only ever see these documents, so the rules live in one place per app.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module

from django.apps import apps
from django.utils.translation import gettext_lazy as _


class Kind:
    """What a search hit is. Lessons learned are resources (knowledge type tacit)."""

    RESOURCE = "resource"
    EVENT = "event"
    GROUP = "group"
    THREAD = "thread"
    POST = "post"

    labels = {
        RESOURCE: _("Resource"),
        EVENT: _("Event"),
        GROUP: _("Working group"),
        THREAD: _("Discussion"),
        POST: _("Reply"),
    }

    @classmethod
    def label(cls, kind: str) -> str:
        return str(cls.labels.get(kind, kind))


# Document language → PostgreSQL text search configuration (search/migrations
# define the portal_* ones: the language's stemmer after unaccent) and the
# analyser of the Elasticsearch/OpenSearch mapping.
LANGUAGE_CONFIGS = {
    "en": "portal_english",
    "fr": "portal_french",
    "es": "portal_spanish",
    "ru": "portal_russian",
    "ar": "portal_arabic",
    "pt": "portal_portuguese",
}
SIMPLE_CONFIG = "portal_simple"  # zh and any language without a stemmer
ENGINE_LANGUAGES = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "ru": "russian",
    "ar": "arabic",
    "pt": "portuguese",
    "zh": "cjk",
}

# Interlinear-annotation characters (never found in real text) mark highlights
# inside engine output, so user text is escaped before the markers become <mark>
# tags; plain_text() removes them from documents.
MARK_START = "\ufff9"
MARK_END = "\ufffb"
BODY_MAX_CHARS = 200_000
TITLE_MAX_CHARS = 500

_CJK = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+"
)
_SCRIPTS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_TAGS = re.compile(r"<!--.*?-->|</?[a-zA-Z][^>]*>", re.DOTALL)
_SPACES = re.compile(r"\s+")


def normalise_language(code: str | None) -> str:
    """'zh-hans' → 'zh', 'EN' → 'en', '' → 'en'."""
    code = (code or "en").strip().lower().replace("_", "-")
    return code.split("-")[0] or "en"


def search_config_for(language: str) -> str:
    return LANGUAGE_CONFIGS.get(normalise_language(language), SIMPLE_CONFIG)


# Control characters (Unicode category Cc) but tab and newline, and the
# interlinear annotation marks: one regular expression, not a test per character.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufff9-\ufffb]")


def plain_text(value: str | None) -> str:
    """Text of rich text or markup, for indexing: tags dropped, entities decoded."""
    if not value:
        return ""
    text = _TAGS.sub(" ", _SCRIPTS.sub(" ", str(value)))
    text = _CONTROLS.sub("", html.unescape(text))
    return _SPACES.sub(" ", text).strip()


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def cjk_bigrams(text: str) -> str:
    """Overlapping bigrams of every run of CJK characters, as the ``cjk`` analyser
    of Elasticsearch makes them: PostgreSQL's parser cannot segment Chinese."""
    grams = []
    for run in _CJK.findall(text or ""):
        if len(run) == 1:
            grams.append(run)
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return " ".join(grams)


@dataclass
class SearchDocument:
    """One searchable thing, denormalised for every backend.

    ``is_public`` documents are visible to everyone; the others only to staff
    and to active members of one of ``group_ids``. Visibility is checked at
    query time, so membership changes need no reindexing.
    """

    source: str  # provider label, e.g. "knowledge.resource"
    object_id: int
    kind: str
    title: str
    url: str
    summary: str = ""
    body: str = ""
    tags: list[str] = field(default_factory=list)
    language: str = "en"
    date: datetime | None = None
    is_public: bool = True
    group_ids: list[int] = field(default_factory=list)
    # Facets
    knowledge_type: str = ""
    format: str = ""
    level: str = ""
    working_groups: list[int] = field(default_factory=list)
    year: int | None = None
    regions: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # ISO 3166-1 alpha-2
    # One hit per collapse key: a reply carries its thread's key, so a
    # discussion is shown once however many of its replies match.
    collapse_key: str = ""
    forum: str = ""  # a discussion's forum (slug), for search within a forum

    def __post_init__(self):
        self.title = plain_text(self.title)[:TITLE_MAX_CHARS]
        self.summary = plain_text(self.summary)
        self.body = plain_text(self.body)[:BODY_MAX_CHARS]
        self.language = normalise_language(self.language)
        self.tags = sorted({str(tag).strip().lower() for tag in self.tags if tag})
        self.group_ids = sorted({int(pk) for pk in self.group_ids})
        self.working_groups = sorted({int(pk) for pk in self.working_groups})
        self.regions = sorted({str(region) for region in self.regions if region})
        self.countries = sorted({str(code).upper() for code in self.countries if code})
        if self.year is None and self.date is not None:
            self.year = self.date.year
        self.collapse_key = self.collapse_key or self.key

    @property
    def key(self) -> str:
        return document_key(self.source, self.object_id)

    @property
    def search_config(self) -> str:
        return search_config_for(self.language)

    @property
    def kind_label(self) -> str:
        return Kind.label(self.kind)

    def as_engine_source(self) -> dict:
        """The document as stored by Elasticsearch/OpenSearch."""
        language = self.language
        source = {
            "key": self.key,
            "source": self.source,
            "object_id": self.object_id,
            "kind": self.kind,
            "title": self.title,
            "summary": self.summary,
            "body": self.body,
            "tags": self.tags,
            "url": self.url,
            "language": language,
            "date": self.date.isoformat() if self.date else None,
            "year": self.year,
            "is_public": self.is_public,
            "group_ids": self.group_ids,
            "knowledge_type": self.knowledge_type or None,
            "format": self.format or None,
            "level": self.level or None,
            "working_groups": self.working_groups,
            "regions": self.regions,
            "countries": self.countries,
            "collapse_key": self.collapse_key,
            "forum": self.forum or None,
        }
        analysed = ENGINE_LANGUAGES.get(language)
        if analysed:
            for name in ("title", "summary", "body"):
                source[f"{name}_{language}"] = source[name]
        if self.collapse_key != self.key:
            # A reply shows its thread's title but is found only by its own
            # words: the thread's document holds the title (as in the database).
            source["display_title"] = self.title
            source["title"] = ""
            source.pop(f"title_{language}", None)
        return source


def document_key(source: str, object_id) -> str:
    return f"{source}:{object_id}"


class SearchDocumentProvider:
    """Base class of the per-app providers.

    ``label`` names the provider (and prefixes document keys); ``model`` is the
    model whose instances become documents. ``dependencies`` maps other models to
    a function returning the ids of ``model`` affected when those change (a
    forum's visibility affects its threads).
    """

    label: str = ""
    model = None
    dependencies: dict = {}

    def queryset(self):
        """Every instance (searchable or not): ``document`` has the last word."""
        return self.model._default_manager.all()

    def searchable_queryset(self):
        """Narrowed to what can be searchable, for a full reindex."""
        return self.queryset()

    def document(self, instance) -> SearchDocument | None:  # pragma: no cover
        raise NotImplementedError

    def documents_for_ids(self, ids: Iterable[int]) -> dict[int, SearchDocument | None]:
        """Documents by id; ``None`` for ids that no longer exist or must not be found."""
        ids = {int(pk) for pk in ids}
        found = {obj.pk: obj for obj in self.queryset().filter(pk__in=ids)}
        return {pk: (self.document(found[pk]) if pk in found else None) for pk in ids}

    def all_documents(self, *, batch_size: int = 500) -> Iterator[SearchDocument]:
        for instance in self.searchable_queryset().iterator(chunk_size=batch_size):
            document = self.document(instance)
            if document is not None:
                yield document

    def count(self) -> int:
        return self.searchable_queryset().count()

    def handles(self, instance) -> bool:
        if self.model is None:
            return False
        if isinstance(instance, self.model):
            return True
        # A Wagtail page saved through its base class (bulk actions, moves).
        specific_class = getattr(instance, "specific_class", None)
        return specific_class is not None and issubclass(specific_class, self.model)

    def dependent_ids(self, instance) -> list[int]:
        for model, resolver in self.dependencies.items():
            if isinstance(instance, model):
                return list(resolver(instance))
        return []


_providers: dict[str, SearchDocumentProvider] = {}
_discovered = False


def register(provider_class):
    """Class decorator for providers in ``<app>/search_documents.py``."""
    provider = provider_class()
    if not provider.label:
        raise ValueError(f"{provider_class.__name__} needs a label")
    _providers[provider.label] = provider
    return provider_class


def autodiscover() -> None:
    global _discovered
    if _discovered:
        return
    _discovered = True
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.search_documents"
        try:
            import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise


def providers() -> dict[str, SearchDocumentProvider]:
    autodiscover()
    return dict(_providers)


def provider_for(label: str) -> SearchDocumentProvider | None:
    autodiscover()
    return _providers.get(label)


def all_documents() -> Iterator[SearchDocument]:
    """Every searchable document of every app, for a full reindex."""
    for provider in providers().values():
        yield from provider.all_documents()


# Elasticsearch/OpenSearch index definition (elasticsearch.dsl). Every text field
# has an accent-folding base field and, for the document's own language, a
# ``<field>_<lang>`` copy analysed with that language's stemmer.


def engine_index(name: str):
    from elasticsearch.dsl import (
        Boolean,
        Date,
        Index,
        Integer,
        Keyword,
        Long,
        Mapping,
        Text,
        analyzer,
        token_filter,
    )

    # CJK text becomes overlapping bigrams (as the database backend's
    # cjk_bigrams): single characters would match almost any Chinese text.
    folded = analyzer(
        "portal_folded",
        tokenizer="standard",
        filter=["cjk_width", "lowercase", "asciifolding", "cjk_bigram"],
    )
    edge = token_filter("portal_edge", type="edge_ngram", min_gram=1, max_gram=20)
    autocomplete = analyzer(
        "portal_autocomplete",
        tokenizer="standard",
        filter=["lowercase", "asciifolding", edge],
    )
    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    for field_name in (
        "key",
        "source",
        "kind",
        "language",
        "regions",
        "countries",
        "collapse_key",
        "forum",
    ):
        mapping.field(field_name, Keyword())
    for field_name in ("knowledge_type", "format", "level"):
        mapping.field(field_name, Keyword())
    mapping.field("object_id", Long())
    mapping.field("url", Keyword(index=False))
    mapping.field("display_title", Keyword(index=False, doc_values=False))
    mapping.field("date", Date())
    mapping.field("year", Integer())
    mapping.field("is_public", Boolean())
    mapping.field("group_ids", Integer())
    mapping.field("working_groups", Integer())
    mapping.field("tags", Keyword(fields={"text": Text(analyzer=folded)}))
    mapping.field(
        "title",
        Text(
            analyzer=folded,
            fields={"ac": Text(analyzer=autocomplete, search_analyzer=folded)},
        ),
    )
    # Long texts store their offsets: highlighting reads them from the index
    # instead of analysing the whole body again for every hit.
    mapping.field("summary", Text(analyzer=folded, index_options="offsets"))
    mapping.field("body", Text(analyzer=folded, index_options="offsets"))
    for code, language in ENGINE_LANGUAGES.items():
        language_analyzer = analyzer(f"portal_{language}", type=language)
        mapping.field(f"title_{code}", Text(analyzer=language_analyzer))
        for field_name in ("summary", "body"):
            mapping.field(
                f"{field_name}_{code}",
                Text(analyzer=language_analyzer, index_options="offsets"),
            )
    index = Index(name)
    # Replicas: the backend sets auto_expand_replicas (or REPLICAS); refresh is
    # left to the engine's default.
    index.settings(number_of_shards=1)
    index.mapping(mapping)
    return index


def stream_text(value) -> str:
    """The words of a StreamField value, without rendering it (no templates, no
    embeds fetched): rich text and plain strings, URLs and ids left out."""
    raw = getattr(value, "raw_data", value)
    parts: list[str] = []

    def walk(item):
        if isinstance(item, str):
            if not item.startswith(("http://", "https://", "/")):
                parts.append(item)
        elif isinstance(item, dict):
            for key, child in item.items():
                if key not in {"id", "type", "url", "link_url", "image", "embed"}:
                    walk(child)
        elif isinstance(item, list | tuple):
            for child in item:
                walk(child)

    for block in raw or []:
        walk(block.get("value") if isinstance(block, dict) else block)
    return plain_text(" \n".join(parts))


def page_url(page) -> str:
    """A page's URL, root-relative on a single-site portal."""
    try:
        url = page.get_url()
    except Exception:  # noqa: BLE001 - a page outside any site has no URL
        url = None
    return url or page.url_path or "/"


def indexed_visibility(key: str) -> tuple[bool, bool] | None:
    """(exists, is_public) of the document as it is indexed now, or None."""
    from .models import IndexedDocument

    row = IndexedDocument.objects.filter(key=key).values_list("is_public").first()
    return None if row is None else (True, row[0])
