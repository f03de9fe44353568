from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .documents import Kind


class IndexedDocument(models.Model):
    """The denormalised search document in PostgreSQL.

    The database backend searches this table, and it stays the source of truth
    when Elasticsearch/OpenSearch is configured: the fallback when the engine is
    down, and what ``search_status`` compares the engine with. ``search_vector``
    and ``title_folded`` are filled by a trigger (migration 0002) so every write
    path, bulk or not, keeps them right.
    """

    key = models.CharField(max_length=120, unique=True)
    source = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    title = models.TextField()
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    tags = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    url = models.CharField(max_length=500)
    language = models.CharField(max_length=12, default="en")
    search_config = models.CharField(max_length=40, default="portal_english")
    date = models.DateTimeField(null=True, blank=True)
    year = models.IntegerField(null=True, blank=True)
    knowledge_type = models.CharField(max_length=20, blank=True)
    format = models.CharField(max_length=40, blank=True)
    level = models.CharField(max_length=20, blank=True)
    working_groups = ArrayField(models.IntegerField(), default=list, blank=True)
    regions = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    countries = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    # Documents sharing a collapse key are one hit (a thread and its replies);
    # a document alone in its group has its own key.
    collapse_key = models.CharField(max_length=120, blank=True, default="")
    forum = models.CharField(max_length=100, blank=True, default="")  # its slug
    is_public = models.BooleanField(default=True)
    group_ids = ArrayField(models.IntegerField(), default=list, blank=True)
    # Bigrams of Chinese/Japanese/Korean text: PostgreSQL cannot segment them.
    cjk_title = models.TextField(blank=True)
    cjk_text = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    # Title, tags and summary only: small, so broad queries can find their best
    # candidates without reading every matching body (see backends/database.py).
    head_vector = SearchVectorField(null=True, editable=False)
    title_folded = models.TextField(blank=True, editable=False)
    first_indexed_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "search_document"
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [
            GinIndex(fields=["search_vector"], name="search_doc_vector_gin"),
            GinIndex(fields=["head_vector"], name="search_doc_head_gin"),
            GinIndex(
                OpClass("title_folded", name="gin_trgm_ops"),
                name="search_doc_title_trgm",
            ),
            GinIndex(fields=["tags"], name="search_doc_tags_gin"),
            models.Index(fields=["source", "object_id"], name="search_doc_source"),
            # Newest first, undated last: the order of browsing and of the
            # candidate window of broad queries.
            models.Index(
                models.F("date").desc(nulls_last=True), name="search_doc_date_desc"
            ),
            models.Index(fields=["first_indexed_at"], name="search_doc_first_indexed"),
            # Facet filters: bitmap-ANDed with the text match, so a filtered
            # query never reads the rows of other kinds, formats, groups...
            models.Index(fields=["kind"], name="search_doc_kind"),
            models.Index(fields=["knowledge_type"], name="search_doc_knowledge_type"),
            models.Index(fields=["format"], name="search_doc_format"),
            models.Index(fields=["level"], name="search_doc_level"),
            models.Index(fields=["language"], name="search_doc_language"),
            models.Index(fields=["year"], name="search_doc_year"),
            GinIndex(fields=["working_groups"], name="search_doc_groups_gin"),
            GinIndex(fields=["regions"], name="search_doc_regions_gin"),
            GinIndex(fields=["countries"], name="search_doc_countries_gin"),
            models.Index(fields=["forum"], name="search_doc_forum"),
        ]

    def __str__(self):
        return f"{self.key}: {self.title}"

    @property
    def kind_label(self) -> str:
        return Kind.label(self.kind)

    def as_search_document(self):
        """Back to a SearchDocument: engines are rebuilt from this table."""
        from .documents import SearchDocument

        return SearchDocument(
            source=self.source,
            object_id=self.object_id,
            kind=self.kind,
            title=self.title,
            url=self.url,
            summary=self.summary,
            body=self.body,
            tags=list(self.tags),
            language=self.language,
            date=self.date,
            is_public=self.is_public,
            group_ids=list(self.group_ids),
            knowledge_type=self.knowledge_type,
            format=self.format,
            level=self.level,
            working_groups=list(self.working_groups),
            year=self.year,
            regions=list(self.regions),
            countries=list(self.countries),
            collapse_key=self.collapse_key,
            forum=self.forum,
        )


class SearchTerm(models.Model):
    """Vocabulary for "did you mean" and tag autocompletion, per visibility scope.

    ``scope`` is 0 for public documents, else a working-group id: a visitor is
    only ever offered words and tags that occur in documents they may read.
    Maintained by statement triggers on search_document (migration 0002).
    """

    WORD = "w"
    TAG = "t"

    kind = models.CharField(max_length=1)
    term = models.CharField(max_length=100)
    scope = models.IntegerField()
    document_count = models.IntegerField(default=0)

    class Meta:
        db_table = "search_term"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "term", "scope"], name="search_term_unique"
            )
        ]
        indexes = [
            GinIndex(OpClass("term", name="gin_trgm_ops"), name="search_term_trgm"),
            models.Index(
                OpClass("term", name="text_pattern_ops"),
                "kind",
                name="search_term_prefix",
            ),
        ]

    def __str__(self):
        return f"{self.term} ({self.document_count})"


class PendingIndexOperation(models.Model):
    """Index work that failed (engine down, timeout): retried by the next
    successful sync, by ``manage.py search_retry`` and by ``search_reindex``."""

    source = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    backend = models.CharField(max_length=40)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pending index operation")
        verbose_name_plural = _("pending index operations")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "object_id", "backend"],
                name="pending_index_operation_unique",
            )
        ]

    def __str__(self):
        return f"{self.backend}: {self.source}:{self.object_id}"


class SavedSearch(models.Model):
    """A member's search (text and facets) with optional email alerts."""

    class Frequency(models.TextChoices):
        INSTANT = "instant", _("As soon as new items match")
        DAILY = "daily", _("Daily digest")
        WEEKLY = "weekly", _("Weekly digest")
        NEVER = "never", _("No email alerts")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    name = models.CharField(_("name"), max_length=120)
    query_text = models.CharField(_("search words"), max_length=256, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    frequency = models.CharField(
        _("email alerts"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.WEEKLY,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Alerts only ever report items first indexed after this moment.
    alerts_since = models.DateTimeField(default=timezone.now)
    last_alert_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["name"]
        indexes = [models.Index(fields=["frequency", "last_checked_at"])]

    def __str__(self):
        return self.name

    def search_query(self):
        from .faceted import FACETS_BY_NAME, SearchQuery, Sort

        filters = {
            name: tuple(str(v) for v in values)
            for name, values in (self.filters or {}).items()
            if name in FACETS_BY_NAME and values
        }
        return SearchQuery(text=self.query_text, filters=filters, sort=Sort.DATE)

    def get_search_url(self) -> str:
        from django.urls import reverse

        params = self.search_query().params()
        params.pop("sort", None)
        return f"{reverse('search')}?{params.urlencode()}"


class SavedSearchAlertItem(models.Model):
    """An item already sent for a saved search: never the same item twice."""

    saved_search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="alert_items"
    )
    document_key = models.CharField(max_length=120)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("alerted item")
        constraints = [
            models.UniqueConstraint(
                fields=["saved_search", "document_key"], name="alert_item_once"
            )
        ]

    def __str__(self):
        return self.document_key
