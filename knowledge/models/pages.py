"""The library's pages: one index at /knowledge/ and a page per resource.

A resource owned by a working group lives below that group's page, so Wagtail's
page permissions and the group's moderation workflow apply to it; site-wide
resources live below the index. Either way its public URL is /knowledge/<slug>/.
"""

import re

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.db import models
from django.db.models import F, Func, Value
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.models import BasePage
from working_groups.models import Visibility, WorkingGroupPage

from ..admin_forms import ResourcePageForm
from ..blocks import ResourceStreamBlock
from ..fields import ChoiceArrayField
from ..vocabulary import (
    LANGUAGE_CHOICES,
    LANGUAGE_NAMES,
    STRUCTURED_LESSON_FORMATS,
    Format,
    KnowledgeType,
    Level,
    Licence,
    Region,
    default_knowledge_type,
)


def country_codes():
    """The resource's countries as an array (the column is comma-separated),
    the expression the country index is built on: filter with
    ``.alias(country_list=country_codes()).filter(country_list__overlap=[...])``.
    """
    from django.contrib.postgres.fields import ArrayField

    return Func(
        F("countries"),
        Value(","),
        function="string_to_array",
        output_field=ArrayField(models.TextField()),
    )


def _choice_label(choices, value):
    """The label of ``value`` in ``choices`` (a TextChoices), or the value."""
    try:
        return choices(value).label
    except ValueError:
        return value


# Paths below /knowledge/ that belong to views, never to a resource.
RESERVED_SLUGS = frozenset(
    {
        "submit",
        "moderation",
        "my-submissions",
        "tags",
        "cite.bib",
        "cite.ris",
        "cite.json",
        "feeds",
    }
)

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")


def normalise_doi(value: str) -> str:
    """DOIs are stored bare (10.xxxx/yyy), whatever form they were typed in."""
    value = (value or "").strip()
    for prefix in DOI_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :].strip()
    return value


def next_year() -> int:
    return timezone.now().year + 1


doi_validator = RegexValidator(
    DOI_PATTERN,
    _(
        "Enter a DOI such as 10.54676/ABCD1234 (the https://doi.org/ prefix is optional)."
    ),
)


def validate_link_or_path(value: str) -> None:
    """A path on this site (/forums/...) or an http(s) URL."""
    if value.startswith("/") and not value.startswith("//") and " " not in value:
        return
    URLValidator(schemes=["http", "https"])(value)


def knowledge_index_get(cache_object=None):
    """The live library index, kept in process memory (see portal.page_paths);
    ``cache_object`` is accepted for older callers."""
    from portal.page_paths import cached_path

    return cached_path(
        "knowledge_index",
        lambda: KnowledgeIndexPage.objects.live().order_by("path").first(),
    )


def _knowledge_index_path(cache_object=None):
    """The index's path relative to its site root ("/knowledge/"), per process."""
    from portal.page_paths import cached_path

    def compute():
        index_page = knowledge_index_get()
        if index_page is None:
            return None
        parts = Page.get_url_parts(index_page)
        return parts[2] if parts is not None else None

    # The path carries the language prefix (/fr/knowledge/): one entry per language.
    return cached_path(f"knowledge_index_path:{get_language()}", compute)


class KnowledgeIndexPage(BasePage):
    """/knowledge/: the resource library, with filters and facets."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["knowledge.ResourcePage"]
    max_count = 1

    class Meta:
        verbose_name = _("knowledge library")

    def route(self, request, path_components):
        """/knowledge/<slug>/ finds a resource anywhere in the tree: below the
        index or below its working group."""
        if not path_components:
            return super().route(request, path_components)
        slug, remaining = path_components[0], path_components[1:]
        resource = ResourcePage.objects.filter(slug=slug).first()
        if resource is None:
            raise Http404
        return resource.route(request, remaining)

    def get_context(self, request, *args, **kwargs):
        from ..library import library_context

        context = super().get_context(request, *args, **kwargs)
        context.update(library_context(request))
        return context


class ResourceTag(TaggedItemBase):
    content_object = ParentalKey(
        "knowledge.ResourcePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ResourceAttachment(Orderable):
    """A file of the resource (a Wagtail document), served only to those who may
    see the resource."""

    resource = ParentalKey(
        "knowledge.ResourcePage", on_delete=models.CASCADE, related_name="attachments"
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="resource_attachments",
        verbose_name=_("document"),
    )
    title = models.CharField(
        _("label"),
        max_length=255,
        blank=True,
        help_text=_("Optional; the document's title is used otherwise."),
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    @property
    def label(self) -> str:
        return self.title or self.document.title


class ResourcePage(BasePage):
    """One report, data set, webinar, lesson learned or story."""

    body = StreamField(ResourceStreamBlock(), blank=True, verbose_name=_("body"))
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.REPORT
    )
    knowledge_type = models.CharField(
        _("knowledge type"),
        max_length=10,
        choices=KnowledgeType.choices,
        blank=True,
        help_text=_(
            "Leave empty to use the format's default: lessons learned, stories and "
            "mentorship are tacit, the rest explicit."
        ),
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.ALL_LEVELS
    )
    regions = ChoiceArrayField(
        models.CharField(max_length=30, choices=Region.choices),
        verbose_name=_("regions"),
        default=list,
        blank=True,
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    organisations = ParentalManyToManyField(
        "knowledge.Organisation",
        blank=True,
        related_name="resources",
        verbose_name=_("publishing organisations"),
    )
    authors = models.TextField(
        _("authors"),
        blank=True,
        help_text=_("One per line, as \u201cFamily name, Given names\u201d."),
    )
    publication_date = models.DateField(_("publication date"), null=True, blank=True)
    publication_year = models.PositiveSmallIntegerField(
        _("publication year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(next_year)],
        help_text=_("Filled from the publication date when that is known."),
    )
    series = models.CharField(_("series"), max_length=255, blank=True)
    series_number = models.CharField(_("number in series"), max_length=40, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=LANGUAGE_CHOICES, default="en"
    )
    licence = models.CharField(
        _("licence"), max_length=30, choices=Licence.choices, blank=True
    )
    doi = models.CharField(
        _("DOI"), max_length=255, blank=True, validators=[doi_validator]
    )
    external_url = models.URLField(_("external link"), max_length=500, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
    )
    tags = ClusterTaggableManager(
        through=ResourceTag, blank=True, verbose_name=_("tags")
    )

    owning_group = models.ForeignKey(
        WorkingGroupPage,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="owned_resources",
        verbose_name=_("owning working group"),
        help_text=_("The group whose page this resource lives below (kept in sync)."),
    )
    groups = ParentalManyToManyField(
        WorkingGroupPage,
        blank=True,
        related_name="shared_resources",
        verbose_name=_("also shared with"),
        help_text=_("Other working groups this resource belongs to."),
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_("Members-only resources are seen by members of their groups only."),
    )
    featured = models.BooleanField(
        _("featured"),
        default=False,
        help_text=_("Curated by moderators: shown first on the group's page."),
    )
    discussion_url = models.CharField(
        _("discussion link"),
        max_length=500,
        blank=True,
        validators=[validate_link_or_path],
        help_text=_(
            "The forum discussion this resource came from, if any: a path on this "
            "site (/forums/...) or a full URL."
        ),
    )
    discussion_title = models.CharField(
        _("discussion title"), max_length=255, blank=True
    )

    # The structured body of lessons learned and stories.
    lesson_context = models.TextField(_("context"), blank=True)
    lesson_challenge = models.TextField(_("challenge"), blank=True)
    lesson_action = models.TextField(_("what was done"), blank=True)
    lesson_result = models.TextField(_("result"), blank=True)
    lesson_learned = models.TextField(_("the lesson"), blank=True)
    lesson_recommendation = models.TextField(_("recommendation"), blank=True)
    # The library's full-text match (title A, introduction B, authors and
    # series C, lesson sections D; English), kept by a database trigger
    # (migration 0003) on every write, bulk or not; never in revisions.
    search_vector = SearchVectorField(null=True, editable=False, serialize=False)
    lesson_contact = models.CharField(
        _("who to contact"),
        max_length=255,
        blank=True,
        help_text=_("A name, role or organisation readers can ask for more."),
    )

    parent_page_types = [
        "knowledge.KnowledgeIndexPage",
        "working_groups.WorkingGroupPage",
    ]
    subpage_types: list = []
    base_form_class = ResourcePageForm

    content_panels = Page.content_panels + [
        FieldPanel("introduction", heading=_("Summary")),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("format"), FieldPanel("knowledge_type")]),
                FieldRowPanel([FieldPanel("level"), FieldPanel("language")]),
                FieldPanel("regions"),
                FieldPanel("countries"),
                FieldPanel("tags"),
            ],
            heading=_("Classification"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("authors"),
                FieldPanel("organisations"),
                FieldRowPanel(
                    [FieldPanel("publication_date"), FieldPanel("publication_year")]
                ),
                FieldRowPanel([FieldPanel("series"), FieldPanel("series_number")]),
                FieldRowPanel([FieldPanel("doi"), FieldPanel("licence")]),
                FieldPanel("external_url"),
            ],
            heading=_("Publication"),
        ),
        FieldPanel("cover_image"),
        InlinePanel("attachments", heading=_("Attachments"), label=_("Attachment")),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("lesson_context"),
                FieldPanel("lesson_challenge"),
                FieldPanel("lesson_action"),
                FieldPanel("lesson_result"),
                FieldPanel("lesson_learned"),
                FieldPanel("lesson_recommendation"),
                FieldPanel("lesson_contact"),
            ],
            heading=_("Lesson learned or story"),
            classname="collapsed",
        ),
    ]
    sharing_panels = [
        FieldPanel("visibility"),
        FieldPanel("groups"),
        FieldPanel("featured"),
        FieldRowPanel([FieldPanel("discussion_url"), FieldPanel("discussion_title")]),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(sharing_panels, heading=_("Sharing")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("authors"),
        index.SearchField("series"),
        index.FilterField("format"),
        index.FilterField("knowledge_type"),
        index.FilterField("visibility"),
    ]

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [
            models.Index(fields=["format"]),
            models.Index(fields=["knowledge_type"]),
            models.Index(fields=["publication_year"]),
            models.Index(fields=["doi"]),
            models.Index(fields=["external_url"]),
            GinIndex(fields=["search_vector"], name="knowledge_resource_vector"),
            # The library's default order ("newest"): a page of results is read
            # in index order and stops after its rows, instead of a parallel
            # scan and sort of every visible resource per request.
            models.Index(
                F("publication_year").desc(nulls_last=True),
                F("publication_date").desc(nulls_last=True),
                name="knowledge_resource_newest",
            ),
            # Country and region pages and facets: "about these places" through
            # indexes instead of a regular expression over every row.
            GinIndex(fields=["regions"], name="knowledge_resource_regions"),
            GinIndex(country_codes(), name="knowledge_resource_countries"),
            # The few resources that are not public (sitemap, harvesting).
            models.Index(
                fields=["page_ptr"],
                condition=~models.Q(visibility=Visibility.PUBLIC),
                name="knowledge_resource_not_public",
            ),
        ]

    # -- Display helpers ---------------------------------------------------

    # Django's get_FOO_display builds a dict of every choice, translating each
    # label, on every call; a listing calls these three per card.
    def get_format_display(self):
        return _choice_label(Format, self.format)

    def get_knowledge_type_display(self):
        return _choice_label(KnowledgeType, self.knowledge_type)

    def get_level_display(self):
        return _choice_label(Level, self.level)

    @property
    def summary(self) -> str:
        return self.introduction

    @property
    def author_list(self) -> list[str]:
        return [line.strip() for line in self.authors.splitlines() if line.strip()]

    @property
    def year(self):
        if self.publication_date:
            return self.publication_date.year
        return self.publication_year

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, self.language)

    @property
    def region_labels(self) -> list[str]:
        labels = dict(Region.choices)
        return [str(labels.get(region, region)) for region in self.regions or []]

    @property
    def series_label(self) -> str:
        if self.series and self.series_number:
            return _("%(series)s no. %(number)s") % {
                "series": self.series,
                "number": self.series_number,
            }
        return self.series

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def is_tacit(self) -> bool:
        return self.knowledge_type == KnowledgeType.TACIT

    @property
    def has_structured_lesson(self) -> bool:
        return self.format in STRUCTURED_LESSON_FORMATS or any(
            value for _label, value in self.lesson_sections
        )

    @property
    def lesson_sections(self) -> list[tuple[str, str]]:
        """(heading, text) of each part of a lesson learned, in reading order."""
        fields = [
            "lesson_context",
            "lesson_challenge",
            "lesson_action",
            "lesson_result",
            "lesson_learned",
            "lesson_recommendation",
        ]
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in fields
        ]

    @cached_property
    def group_ids(self) -> set[int]:
        """The working groups the resource belongs to: its owner and the others
        (``listed_group_ids`` when a listing read them with the row)."""
        listed = self.__dict__.get("listed_group_ids")
        if listed is not None:
            ids = set(listed)
        else:
            ids = {group.pk for group in self.groups.all()}
        if self.owning_group_id:
            ids.add(self.owning_group_id)
        return ids

    @property
    def is_members_only(self) -> bool:
        return self.visibility == Visibility.MEMBERS

    # -- Tree, URL and validation -------------------------------------------

    def owning_group_from_tree(self):
        """The group whose page is this resource's parent, if any."""
        if not self.path or self.depth is None or self.depth <= 1:
            return None
        parent = self.get_parent()
        group_type = ContentType.objects.get_for_model(WorkingGroupPage)
        if parent is not None and parent.content_type_id == group_type.pk:
            return parent.pk
        return None

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request=request)
        if parts is None or parts[2] is None:
            return parts
        cache_object = request if request is not None else self
        index_page = knowledge_index_get(cache_object)
        if index_page is None or self.url_path.startswith(index_page.url_path):
            return parts
        index_path = _knowledge_index_path(cache_object)
        if not index_path:
            return parts
        return (parts[0], parts[1], f"{index_path}{self.slug}/")

    def clean(self):
        super().clean()
        errors = {}
        if not (self.introduction or "").strip():
            errors["introduction"] = _("Write a short summary of the resource.")
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("This address is reserved; choose another slug.")
        elif (
            self.slug
            and ResourcePage.objects.filter(slug=self.slug).exclude(pk=self.pk).exists()
        ):
            errors["slug"] = _(
                "Another resource already uses the address /knowledge/%(slug)s/."
            ) % {"slug": self.slug}
        self.doi = normalise_doi(self.doi)
        if self.doi and not DOI_PATTERN.match(self.doi):
            errors["doi"] = doi_validator.message
        if (
            self.publication_date
            and self.publication_year
            and self.publication_date.year != self.publication_year
        ):
            errors["publication_year"] = _(
                "The year does not match the publication date."
            )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if not self.knowledge_type:
            self.knowledge_type = default_knowledge_type(self.format)
        if self.publication_date and not self.publication_year:
            self.publication_year = self.publication_date.year
        self.doi = normalise_doi(self.doi)
        if self.path:
            self.owning_group_id = self.owning_group_from_tree()
        return super().save(*args, **kwargs)

    def get_sitemap_urls(self, request=None):
        """Sitemaps are public: only what a visitor may see is listed."""
        from ..permissions import can_view_resource

        if not can_view_resource(AnonymousUser(), self):
            return []
        return super().get_sitemap_urls(request=request)

    # -- Serving -----------------------------------------------------------

    def serve(self, request, *args, **kwargs):
        from portal.visibility import require_visible

        # Visibility first: even the redirect from a tree path to the canonical
        # URL would tell a stranger that a private resource of that name exists.
        require_visible(request.user, self)
        parts = self.get_url_parts(request=request)
        if parts and parts[2] and request.path_info != parts[2]:
            target = parts[2]
            if request.META.get("QUERY_STRING"):
                target += "?" + request.META["QUERY_STRING"]
            return HttpResponsePermanentRedirect(target)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..presentation import resource_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(resource_page_context(request, self))
        return context
