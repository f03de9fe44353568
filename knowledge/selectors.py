"""Reads of the knowledge library, always scoped to what the user may see."""

import hashlib
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import Overlap
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Lower
from wagtail.models import TaskState, WorkflowState

from working_groups.models import Visibility, WorkingGroupPage
from working_groups.selectors import group_ids_for_user, moderated_group_ids_for_user

from .models import ResourcePage, ResourceTag
from .models.pages import _knowledge_index_path, country_codes
from .vocabulary import Format, Region

GroupLink = ResourcePage.groups.through


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_active", False))


def _in_groups(group_ids) -> Q:
    """Resources owned by, or also shared with, any of these groups: one id
    subquery (a union of two index scans), not an OR the planner can only
    answer by reading every resource."""
    owned = (
        ResourcePage.objects.filter(owning_group_id__in=group_ids)
        .order_by()
        .values("page_ptr_id")
    )
    shared = (
        GroupLink.objects.filter(workinggrouppage_id__in=group_ids)
        .order_by()
        .values("resourcepage_id")
    )
    return Q(pk__in=owned.union(shared))


def resource_queryset_visible(*, user) -> QuerySet[ResourcePage]:
    """Live resources the user may see: public ones (outside private groups), the
    members-only ones of the groups they are an active member of; staff see all."""
    resources = ResourcePage.objects.live()
    if _is_staff(user):
        return resources
    member_of = group_ids_for_user(user=user)
    if not member_of:
        return resources.filter(resource_public_q())
    return resources.filter(resource_public_q() | _in_groups(member_of))


def resource_public_q() -> Q:
    """Resources anyone may read: public, outside private groups."""
    return Q(visibility=Visibility.PUBLIC) & (
        Q(owning_group__isnull=True) | Q(owning_group__visibility=Visibility.PUBLIC)
    )


def _with_listing_relations(resources: QuerySet) -> QuerySet:
    """Publishers and tags prefetched; the ids of the groups a resource is
    shared with read in the same statement (``ResourcePage.group_ids``), not
    as group pages (a listing never shows more of them)."""
    return (
        resources.select_related("owning_group")
        .prefetch_related("organisations", "tags")
        .annotate(
            listed_group_ids=ArraySubquery(
                GroupLink.objects.filter(resourcepage_id=OuterRef("pk")).values(
                    "workinggrouppage_id"
                )
            )
        )
    )


def resource_list_latest(*, user, limit: int = 6) -> list[ResourcePage]:
    """Latest resources the user may see, newest first (home page)."""
    resources = resource_queryset_visible(user=user).order_by(
        "-first_published_at", "-pk"
    )
    return list(resources.select_related("owning_group")[:limit])


# What a group page shows of its resources and their links need.
GROUP_LIST_FIELDS = (
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "locale_id",
    "content_type_id",
    "live",
    "first_published_at",
    "language",
    "introduction",
    "visibility",
    "featured",
    "owning_group_id",
)


def resource_list_for_group(
    *, user, group: WorkingGroupPage, limit: int = 6, featured: bool | None = None
) -> list[ResourcePage]:
    """Visible resources of a working group, featured first then newest;
    ``featured=True`` keeps only the curated ones. Featuring is the owning
    group's curation: a resource another group shares in is never featured here
    (that group's moderators could not undo it).

    The group's resources are the union of two index scans (owned, shared),
    kept in the statement as a subquery: a mature group has thousands, which
    as a list of ids cost more to send than to sort."""
    owned = ResourcePage.objects.filter(owning_group_id=group.pk).values("pk")
    shared = GroupLink.objects.filter(workinggrouppage_id=group.pk).values(
        "resourcepage_id"
    )
    ids = owned.order_by().union(shared.order_by())
    resources = (
        resource_queryset_visible(user=user)
        .filter(pk__in=ids)
        .annotate(
            featured_here=Case(
                When(featured=True, owning_group=group, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if featured is not None:
        resources = resources.filter(featured_here=featured)
    resources = resources.order_by("-featured_here", "-first_published_at", "-pk")
    # Sorted on the keys and ids alone, then only the rows shown are loaded.
    # A group page shows their titles, links and summaries: only those fields
    # are read (a whole resource page and its owning group cost ~1 ms each to
    # build), no publishers or tags (two statements each time).
    chosen = list(resources.values_list("pk", "featured_here")[:limit])
    rows = (
        ResourcePage.objects.filter(pk__in=[pk for pk, _here in chosen])
        .only(*GROUP_LIST_FIELDS)
        .in_bulk()
    )
    listed = []
    for pk, featured_here in chosen:
        if pk in rows:
            rows[pk].featured_here = featured_here
            listed.append(rows[pk])
    return listed


def _in_progress_ids():
    """Ids of resources with a workflow in progress (awaiting moderation)."""
    resource_type = ContentType.objects.get_for_model(ResourcePage)
    return (
        WorkflowState.objects.filter(
            content_type=resource_type, status=WorkflowState.STATUS_IN_PROGRESS
        )
        .annotate(page_id=Cast("object_id", IntegerField()))
        .values("page_id")
    )


def resource_list_pending_for_group(*, group: WorkingGroupPage) -> QuerySet:
    """Resources of the group currently in moderation, oldest submission first."""
    return (
        ResourcePage.objects.filter(owning_group=group, pk__in=_in_progress_ids())
        .select_related("owner", "owning_group")
        .order_by("latest_revision_created_at", "pk")
    )


def resource_list_pending_for_user(*, user) -> QuerySet:
    """The moderation queue of ``user``: staff see everything awaiting moderation,
    group moderators the resources of their groups."""
    pending = ResourcePage.objects.filter(pk__in=_in_progress_ids())
    if not _is_staff(user):
        moderated = moderated_group_ids_for_user(user=user)
        if not moderated:
            return ResourcePage.objects.none()
        pending = pending.filter(owning_group_id__in=moderated)
    return (
        pending.select_related("owner", "owning_group", "owner__profile")
        .prefetch_related("attachments__document", "organisations")
        .order_by("latest_revision_created_at", "pk")
    )


def _latest_workflow_states():
    resource_type = ContentType.objects.get_for_model(ResourcePage)
    return WorkflowState.objects.filter(
        content_type=resource_type,
        object_id=Cast(OuterRef("pk"), CharField()),
    ).order_by("-created_at", "-pk")


def _latest_finished_task_states():
    resource_type = ContentType.objects.get_for_model(ResourcePage)
    return TaskState.objects.filter(
        workflow_state__content_type=resource_type,
        workflow_state__object_id=Cast(OuterRef("pk"), CharField()),
        finished_at__isnull=False,
    ).order_by("-finished_at", "-pk")


def resource_list_submitted_by(*, user) -> QuerySet:
    """What ``user`` shared, newest first, annotated with where moderation stands:
    ``workflow_status`` and the moderator's ``moderation_comment``."""
    return (
        ResourcePage.objects.filter(owner=user)
        .select_related("owning_group")
        .annotate(
            workflow_status=Subquery(_latest_workflow_states().values("status")[:1]),
            moderation_comment=Subquery(
                _latest_finished_task_states().values("comment")[:1]
            ),
        )
        .order_by("-latest_revision_created_at", "-pk")
    )


# -- The library: filters, sorting and facets ---------------------------------

SORTS = ("newest", "title", "relevance", "added")
FACETS = (
    "knowledge_type",
    "format",
    "level",
    "group",
    "tag",
    "language",
    "region",
    "country",
)


@dataclass
class LibraryQuery:
    """Validated filters of /knowledge/ (see knowledge.forms.LibraryFilterForm)."""

    q: str = ""
    knowledge_type: list[str] = field(default_factory=list)
    format: list[str] = field(default_factory=list)
    level: list[str] = field(default_factory=list)
    group: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    region: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)  # ISO codes (places pages)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "newest"
    lessons_first: bool = False
    # Resources in the reader's language come first (not for English readers:
    # their library keeps its plain order).
    reader_language: str = ""

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.q
            or self.year_from
            or self.year_to
            or any(getattr(self, name) for name in FACETS)
        )


def _search_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config="english")


def _text_match(text: str) -> Q:
    from .library_words import text_match

    return text_match(text)


def _apply_text_and_years(resources: QuerySet, query: LibraryQuery) -> QuerySet:
    """The filters that are not facets: the words and the years."""
    if query.q:
        resources = resources.filter(_text_match(query.q))
    if query.year_from:
        resources = resources.filter(publication_year__gte=query.year_from)
    if query.year_to:
        resources = resources.filter(publication_year__lte=query.year_to)
    return resources


def _facet_conditions(query: LibraryQuery) -> dict[str, Q]:
    """The condition of each facet filter in force, by facet name."""
    conditions = {}
    simple = {
        "knowledge_type": "knowledge_type__in",
        "format": "format__in",
        "level": "level__in",
        "language": "language__in",
    }
    for name, lookup in simple.items():
        values = getattr(query, name)
        if values:
            conditions[name] = Q(**{lookup: values})
    if query.region:
        conditions["region"] = Q(regions__overlap=query.region)
    if query.group:
        group_ids = WorkingGroupPage.objects.filter(slug__in=query.group).values("pk")
        conditions["group"] = _in_groups(group_ids)
    if query.tag:
        tagged = ResourceTag.objects.filter(tag__slug__in=query.tag).values(
            "content_object_id"
        )
        conditions["tag"] = Q(pk__in=tagged)
    conditions.update(_country_condition(query))
    return conditions


def _country_condition(query: LibraryQuery) -> dict[str, Q]:
    """Resources about any of the chosen countries (a comma-separated column)."""
    if not query.country:
        return {}
    # Through the index on the same expression (models.pages.country_codes).
    return {
        "country": Overlap(
            country_codes(),
            Value(list(query.country), output_field=ArrayField(TextField())),
        )
    }


def _country_count_part(others: str) -> str:
    """Resources per country (one row per country of each resource)."""
    return (
        f"SELECT 'country', code, NULL, count(*) FILTER (WHERE {others}) FROM base "
        "CROSS JOIN LATERAL unnest(string_to_array(f_countries, ',')) AS code "
        "WHERE f_countries <> '' GROUP BY 2"
    )


def _apply_filters(resources: QuerySet, query: LibraryQuery, *, skip: str = ""):
    """All filters of ``query`` except the facet ``skip`` (for its own counts)."""
    resources = _apply_text_and_years(resources, query)
    for name, condition in _facet_conditions(query).items():
        if name != skip:
            resources = resources.filter(condition)
    return resources


def _ordered(resources: QuerySet, query: LibraryQuery) -> QuerySet:
    newest = [
        F("publication_year").desc(nulls_last=True),
        F("publication_date").desc(nulls_last=True),
        F("first_published_at").desc(nulls_last=True),
        "-pk",
    ]
    if query.sort == "title":
        order = [Lower("title"), "pk"]
    elif query.sort == "added":
        order = [F("first_published_at").desc(nulls_last=True), "-pk"]
    elif query.sort == "relevance" and query.q:
        resources = resources.annotate(
            rank=SearchRank(F("search_vector"), _search_query(query.q))
        )
        order = ["-rank", *newest]
    else:
        order = newest
    if query.reader_language:
        resources = resources.annotate(
            reader_first=Case(
                When(language=query.reader_language, then=Value(0)), default=Value(1)
            )
        )
        order = ["reader_first", *order]
    if query.lessons_first:
        resources = resources.annotate(
            lessons_first=Case(
                When(format=Format.LESSON_LEARNED, then=Value(0)),
                When(format=Format.STORY, then=Value(1)),
                default=Value(2),
            )
        )
        order = ["lessons_first", *order]
    return resources.order_by(*order)


class ResultWindow:
    """The library's results for a paginator: a page is sorted on the sort keys
    and ids alone (no wide rows sorted), then its rows are loaded with what
    listings show. ``count`` comes from the one-pass counts."""

    def __init__(self, ordered: QuerySet, count: int, *, ranked_window=None):
        self._results = ordered
        self._count = count
        # For a broad text sorted by relevance: ``ranked_window(stop)`` gives
        # the results ranked within a window of candidates reaching ``stop``.
        self._ranked_window = ranked_window

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        results = self._results
        if self._ranked_window is not None:
            ranked = self._ranked_window(key.stop or 0)
            if ranked is not None:
                results = ranked
        ids = list(results.values_list("pk", flat=True)[key])
        return resource_cards(ids)


def _broad_text(query: LibraryQuery) -> bool:
    from .library_words import is_broad

    return bool(query.q) and is_broad(query.q)


# Past this window (page 19 of a broad text) every match is ranked instead.
RANK_WINDOW_MAX = 2_000


def resource_rank_window(*, user, query: LibraryQuery):
    """For a broad text sorted by relevance (more than ``BROAD_MATCHES``
    matches), a function giving the results ranked within a window of
    candidates, as the search backend does; None otherwise. Ranking every match
    of a word like "data" reads and sorts nearly every row.

    The window is the newest matches, at least five times the results up to
    the page asked for plus 100: the newest resources of the other filters are
    read through the library's order index (eight times the window, then four
    times more each round) and the words tested on those only, until the
    window is full; the matches found are ranked by their ids."""
    if query.sort != "relevance" or not _broad_text(query):
        return None
    without_words = replace(query, q="", sort="newest")
    newest = _ordered(
        _apply_filters(resource_queryset_visible(user=user), without_words),
        without_words,
    ).values_list("pk", flat=True)
    words = _text_match(query.q)

    def ranked(stop: int) -> QuerySet:
        window = stop * 5 + 100
        if window > RANK_WINDOW_MAX:
            return None  # a deep page: every match is ranked
        size = window * 8
        while True:
            seen = ResourcePage.objects.filter(pk__in=newest[:size]).aggregate(
                read=Count("pk"), found=ArrayAgg("pk", filter=words, default=[])
            )
            if len(seen["found"]) >= window or seen["read"] < size:
                break
            size *= 4
        return _ordered(ResourcePage.objects.filter(pk__in=seen["found"]), query)

    return ranked


class CardRow:
    """A resource as a card shows it (``library_tags.resource_card``): the
    fields as plain values and the same properties as ``ResourcePage``. Twenty
    pages (each constructor setting up its child relations) and their
    owning groups cost more Python than rendering the cards."""

    summary = ResourcePage.summary
    year = ResourcePage.year
    series_label = ResourcePage.series_label
    language_name = ResourcePage.language_name
    is_members_only = ResourcePage.is_members_only
    get_format_display = ResourcePage.get_format_display
    get_knowledge_type_display = ResourcePage.get_knowledge_type_display
    get_level_display = ResourcePage.get_level_display

    def __init__(self, values: dict, library_path: str):
        self.__dict__.update(values)
        self.pk = values["id"]
        # Resources live at /knowledge/<slug>/ wherever they sit in the tree.
        self.card_url = f"{library_path}{quote(self.slug)}/"
        self.card_group_name = (
            values["owning_group__short_name"] or values["owning_group__title"] or ""
        )


CARD_FIELDS = (
    "id",
    "title",
    "slug",
    "language",
    "featured",
    "format",
    "knowledge_type",
    "visibility",
    "level",
    "publication_date",
    "publication_year",
    "series",
    "series_number",
    "introduction",
    "owning_group__title",
    "owning_group__short_name",
)


def resource_cards(ids: list[int]) -> list:
    """The resources ``ids`` in that order, with what a resource card shows
    (``library_tags.resource_card``): the fields and the owning
    group's name in one statement as plain values (``CardRow``), publishers and
    tags in one statement each, attached as plain lists (``card_organisations``;
    ``card_tags`` of (name, url)). Prefetching through the relation managers
    cost more Python per card than the rest of it."""
    from django.urls import reverse

    from .models import Organisation

    ids = list(ids)
    library_path = _knowledge_index_path()
    if library_path:
        rows = {
            values["id"]: CardRow(values, library_path)
            for values in ResourcePage.objects.filter(pk__in=ids).values(*CARD_FIELDS)
        }
    else:  # no library page: tree paths, from the pages themselves
        rows = (
            ResourcePage.objects.filter(pk__in=ids)
            .defer("search_vector")
            .select_related("owning_group")
            .in_bulk()
        )
        for resource in rows.values():
            resource.card_url = resource.get_url()
            group = resource.owning_group
            resource.card_group_name = (
                (group.short_name or group.title) if group is not None else ""
            )
    links = list(
        ResourcePage.organisations.through.objects.filter(
            resourcepage_id__in=ids
        ).values_list("resourcepage_id", "organisation_id")
    )
    organisations = (
        Organisation.objects.only("id", "name", "acronym").in_bulk(
            {organisation for _pk, organisation in links}
        )
        if links
        else {}
    )
    publishers: dict[int, list] = {pk: [] for pk in ids}
    for resource_id, organisation_id in links:
        publishers[resource_id].append(organisations[organisation_id])
    tags_path = reverse("knowledge:tag_index")
    tags: dict[int, list[tuple[str, str]]] = {pk: [] for pk in ids}
    for resource_id, name, slug in (
        ResourceTag.objects.filter(content_object_id__in=ids)
        .order_by("tag__name")
        .values_list("content_object_id", "tag__name", "tag__slug")
    ):
        tags[resource_id].append((name, f"{tags_path}{quote(slug)}/"))
    resources = []
    for pk in ids:
        resource = rows.get(pk)
        if resource is None:
            continue
        resource.card_organisations = sorted(
            publishers[pk], key=lambda organisation: organisation.name
        )
        resource.card_tags = tags[pk]
        resources.append(resource)
    return resources


def resource_search(*, user, query: LibraryQuery) -> QuerySet[ResourcePage]:
    """The library's results for ``query``, sorted, with what listings show."""
    resources = _apply_filters(resource_queryset_visible(user=user), query)
    return _with_listing_relations(_ordered(resources, query))


# What a citation export reads of a resource (knowledge.citations).
CITATION_FIELDS = (
    "id",
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "locale_id",
    "content_type_id",
    "format",
    "authors",
    "publication_year",
    "publication_date",
    "series",
    "series_number",
    "introduction",
    "language",
    "doi",
    "external_url",
)


class CitationRow:
    """A resource as a list export cites it: the citation fields as plain
    values and the same properties as ``ResourcePage``. Building a thousand
    pages cost more than citing them (each page's constructor sets up its
    child relations)."""

    summary = ResourcePage.summary
    author_list = ResourcePage.author_list
    year = ResourcePage.year
    series_label = ResourcePage.series_label
    doi_url = ResourcePage.doi_url
    get_format_display = ResourcePage.get_format_display
    get_licence_display = ResourcePage.get_licence_display

    def __init__(self, values: dict, library_path: str):
        self.__dict__.update(values)
        self.pk = values["id"]
        # Resources live at /knowledge/<slug>/ wherever they sit in the tree.
        self._path = f"{library_path}{self.slug}/" if library_path else ""

    def get_url_parts(self, request=None):
        return (None, None, self._path) if self._path else None

    def get_url(self, request=None, current_site=None):
        return self._path or None

    @property
    def group_ids(self) -> set[int]:
        """Its owning group and the groups it is shared with (``listed_group_ids``
        read with the row, see ``citation_rows``)."""
        ids = set(self.__dict__.get("listed_group_ids") or ())
        if self.__dict__.get("owning_group_id"):
            ids.add(self.owning_group_id)
        return ids


def citation_rows(ids: list[int], *, fields=(), with_groups: bool = False) -> list:
    """``CitationRow`` objects of the resources ``ids``, in that order: the
    citation fields (plus ``fields``) as plain values, their publishers and tag
    names read in one statement each (and, ``with_groups``, the ids of the
    groups they are shared with, read with the rows)."""
    from .models import Organisation

    library_path = _knowledge_index_path() or ""
    rows_query = ResourcePage.objects.filter(pk__in=ids)
    names = [*CITATION_FIELDS, *fields]
    if with_groups:
        rows_query = rows_query.annotate(
            listed_group_ids=ArraySubquery(
                GroupLink.objects.filter(resourcepage_id=OuterRef("pk")).values(
                    "workinggrouppage_id"
                )
            )
        )
        names.append("listed_group_ids")
    rows = {
        values["id"]: CitationRow(values, library_path)
        for values in rows_query.values(*names)
    }
    links = list(
        ResourcePage.organisations.through.objects.filter(
            resourcepage_id__in=ids
        ).values_list("resourcepage_id", "organisation_id")
    )
    organisations = Organisation.objects.in_bulk({org for _pk, org in links})
    publishers: dict[int, list] = {pk: [] for pk in ids}
    for resource_id, organisation_id in links:
        publishers[resource_id].append(organisations[organisation_id])
    tags: dict[int, list[str]] = {pk: [] for pk in ids}
    for resource_id, name in (
        ResourceTag.objects.filter(content_object_id__in=ids)
        .order_by("tag__name")
        .values_list("content_object_id", "tag__name")
    ):
        tags[resource_id].append(name)
    resources = []
    for pk in ids:
        resource = rows.get(pk)
        if resource is None:
            continue
        # As the relation orders them (Organisation.Meta.ordering).
        resource.citation_organisations = sorted(
            publishers[pk], key=lambda organisation: organisation.name
        )
        resource.citation_tags = tags[pk]
        resources.append(resource)
    return resources


def resource_list_for_citation(
    *, user, query: LibraryQuery, limit: int
) -> list[ResourcePage]:
    """The first ``limit`` results of ``query`` for a citation export: their ids
    in the library's order, then only the fields a citation needs, with their
    publishers and tag names read in two statements and attached as plain lists
    (a thousand resources cost a few queries and no per-row relation managers).
    """
    ids = list(
        resource_search(user=user, query=query)
        .prefetch_related(None)
        .values_list("pk", flat=True)[:limit]
    )
    return citation_rows(ids)


FACET_COUNTS_CACHE_SECONDS = 60
_GENERATION_KEY = "knowledge:library-counts:generation"


def library_counts_purge() -> None:
    """Forget every cached library count (a resource was published, changed
    or withdrawn): cached counts are keyed by a generation number."""
    from django.core.cache import cache

    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.set(_GENERATION_KEY, 1, None)


def _counts_cache_key(user, query: LibraryQuery) -> str | None:
    """Counts are cached briefly, per visibility scope (staff, public, or the
    reader's set of groups), except those of a selective text (cheap)."""
    from django.core.cache import cache

    if query.q and not _broad_text(query):
        return None  # a selective text is counted quickly through its indexes
    if _is_staff(user):
        scope = "all"
    else:
        scope = ",".join(str(pk) for pk in sorted(group_ids_for_user(user=user)))
    facets = ";".join(
        f"{name}={','.join(sorted(getattr(query, name)))}" for name in FACETS
    )
    words = f"{query.q}|{query.year_from or ''}|{query.year_to or ''}"
    generation = cache.get(_GENERATION_KEY, 0)
    digest = hashlib.sha256(f"{scope}|{facets}|{words}".encode()).hexdigest()[:32]
    return f"knowledge:library-counts:{generation}:{digest}"


def resource_counts(*, user, query: LibraryQuery) -> dict:
    """The number of results and, for each facet, how many results each value
    would give combined with every other filter in force (a facet does not
    narrow its own counts). One statement (one pass over the visible
    resources), cached briefly (not for a selective text)."""
    from django.core.cache import cache

    key = _counts_cache_key(user, query)
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    counts = _resource_counts_one_pass(user=user, query=query)
    if key is not None:
        cache.set(key, counts, FACET_COUNTS_CACHE_SECONDS)
    return counts


def resource_total_kept(*, user, query: LibraryQuery) -> int | None:
    """How many resources match ``query``, from the library's kept counts when
    they are kept for such a query (no words or years), else None: a count of
    every visible resource reads the whole table."""
    if _counts_cache_key(user, query) is None:
        return None
    return resource_counts(user=user, query=query)["total"]


def resource_facet_counts(*, user, query: LibraryQuery) -> dict[str, dict]:
    """For each facet, how many results each value would give (see
    ``resource_counts``)."""
    return resource_counts(user=user, query=query)["facets"]


def _resource_counts_one_pass(*, user, query: LibraryQuery) -> dict:
    conditions = _facet_conditions(query)
    columns = {
        "f_id": F("pk"),
        "f_knowledge_type": F("knowledge_type"),
        "f_format": F("format"),
        "f_level": F("level"),
        "f_language": F("language"),
        "f_regions": F("regions"),
        "f_owner": F("owning_group_id"),
        "f_countries": F("countries"),
    }
    flags = {
        f"in_{name}": ExpressionWrapper(condition, output_field=BooleanField())
        for name, condition in conditions.items()
    }
    base = _apply_text_and_years(resource_queryset_visible(user=user), query)
    base = base.annotate(**columns, **flags).values(*columns, *flags).order_by()
    base_sql, params = base.query.sql_with_params()

    def others(name: str = "") -> str:
        return " AND ".join(f"in_{o}" for o in conditions if o != name) or "TRUE"

    flag_list = "".join(f", {flag}" for flag in flags)
    shared = GroupLink._meta.db_table
    tagged = ResourceTag._meta.db_table
    tag_table = ResourceTag.tag.field.related_model._meta.db_table
    parts = [
        f"SELECT 'total', NULL, NULL, count(*) FILTER (WHERE {others()}) FROM base"
    ]
    for name in ("knowledge_type", "format", "level", "language"):
        parts.append(
            f"SELECT '{name}', f_{name}::text, NULL, "
            f"count(*) FILTER (WHERE {others(name)}) FROM base GROUP BY 2"
        )
    # Regions: one conditional count per vocabulary value in a single pass
    # (cheaper than unnesting every resource's array).
    regions = [region.value for region in Region]
    region_counts = ", ".join(
        f"count(*) FILTER (WHERE f_regions @> ARRAY[%s]::varchar[] AND "
        f"{others('region')}) AS r{index}"
        for index, _value in enumerate(regions)
    )
    region_rows = ", ".join(
        f"(%s, counted.r{index})" for index, _value in enumerate(regions)
    )
    parts.append(
        f"SELECT 'region', region.value, NULL, region.n FROM (SELECT {region_counts} "
        f"FROM base) counted CROSS JOIN LATERAL (VALUES {region_rows}) "
        "region(value, n)"
    )
    part_params = [*regions, *regions]
    parts.append(
        f"SELECT 'group', group_id::text, NULL, count(*) FILTER (WHERE "
        f"{others('group')}) FROM (SELECT f_id, f_owner AS group_id{flag_list} "
        f"FROM base WHERE f_owner IS NOT NULL UNION SELECT f_id, "
        f"link.workinggrouppage_id{flag_list} FROM base JOIN {shared} link "
        "ON link.resourcepage_id = f_id) grouped GROUP BY 2"
    )
    parts.append(
        f"SELECT 'tag', tag.slug, tag.name, counted.n FROM (SELECT item.tag_id, "
        f"count(*) FILTER (WHERE {others('tag')}) AS n FROM base "
        f"JOIN {tagged} item ON item.content_object_id = f_id GROUP BY 1) counted "
        f"JOIN {tag_table} tag ON tag.id = counted.tag_id"
    )
    parts.append(_country_count_part(others("country")))
    statement = f"WITH base AS MATERIALIZED ({base_sql}) " + " UNION ALL ".join(
        f"({part})" for part in parts
    )
    facets: dict[str, dict] = {name: {} for name in FACETS}
    total = 0
    tags = []
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, *part_params])
        for facet, value, label, count in cursor.fetchall():
            if facet == "total":
                total = count
            elif not count or not value:
                continue
            elif facet == "tag":
                tags.append((value, label, count))
            elif facet == "group":
                facets["group"][int(value)] = count
            else:
                facets[facet][value] = count
    tags.sort(key=lambda row: (-row[2], row[1]))
    facets["tag"] = {slug: (name, count) for slug, name, count in tags}
    return {"total": total, "facets": facets}


def _visibility_scope_key(user, kind: str) -> str:
    """A cache key for ``kind`` as seen by ``user``'s visibility scope (staff,
    public, or the reader's set of groups), dropped with the library counts
    (``library_counts_purge``)."""
    from django.core.cache import cache

    if _is_staff(user):
        scope = "all"
    else:
        scope = ",".join(str(pk) for pk in sorted(group_ids_for_user(user=user)))
    generation = cache.get(_GENERATION_KEY, 0)
    digest = hashlib.sha256(scope.encode()).hexdigest()[:32]
    return f"knowledge:{kind}:{generation}:{digest}"


def tag_list_with_counts(*, user) -> list[dict]:
    """Tags of the resources the user may see, with how many each has: one
    count over every visible resource's tags, so kept as long as the library
    counts (purged when a resource changes)."""
    from django.core.cache import cache

    key = _visibility_scope_key(user, "tag-counts")
    tags = cache.get(key)
    if tags is None:
        visible = resource_queryset_visible(user=user).values("pk")
        tags = list(
            ResourceTag.objects.filter(content_object_id__in=visible)
            .values("tag__slug", "tag__name")
            .annotate(count=Count("content_object_id", distinct=True))
            .order_by("tag__name")
        )
        cache.set(key, tags, FACET_COUNTS_CACHE_SECONDS)
    return tags


def tag_get_visible(*, user, slug: str):
    """The tag named ``slug`` if a resource ``user`` may see carries it: a tag
    used only on members-only resources is, to everyone else, missing."""
    from taggit.models import Tag

    visible = resource_queryset_visible(user=user).values("pk")
    return (
        Tag.objects.filter(slug=slug)
        .filter(
            pk__in=ResourceTag.objects.filter(content_object_id__in=visible).values(
                "tag_id"
            )
        )
        .first()
    )


def resource_get_visible(*, user, slug: str) -> ResourcePage | None:
    return resource_queryset_visible(user=user).filter(slug=slug).first()


def resource_find_existing(
    *, doi: str = "", url: str = "", slug: str = ""
) -> ResourcePage | None:
    """The resource an import row describes, by DOI first, then by link, then by
    the slug of the portal's own page link (its RIS and CSL-JSON exports)."""
    if doi:
        match = ResourcePage.objects.filter(doi__iexact=doi).order_by("pk").first()
        if match is not None:
            return match
    if url:
        match = ResourcePage.objects.filter(external_url=url).order_by("pk").first()
        if match is not None:
            return match
    if slug:
        return ResourcePage.objects.filter(slug=slug).order_by("pk").first()
    return None


# --- the visitor home's hero: public things only, whoever asks ----------------------


def _public_resources() -> QuerySet[ResourcePage]:
    from django.contrib.auth.models import AnonymousUser

    return resource_queryset_visible(user=AnonymousUser())


def resource_count_public() -> int:
    return _public_resources().count()


def country_count_public() -> int:
    """How many countries the public resources are about (one query: the codes
    are split and counted by PostgreSQL)."""
    from django.db import connection

    sql, params = (
        _public_resources().exclude(countries="").values("countries").query
    ).sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(DISTINCT code) FROM (" + sql + ") AS public_resources, "
            "unnest(string_to_array(public_resources.countries, ',')) AS code",
            params,
        )
        return cursor.fetchone()[0]


def lesson_public_get(*, pk: int) -> ResourcePage | None:
    """The lesson learned ``pk`` if it is live and public (one index read)."""
    return _public_resources().filter(format="lesson-learned", pk=pk).first()


def lesson_featured_public() -> ResourcePage | None:
    """A public lesson learned to show visitors: featured ones first, newest."""
    return (
        _public_resources()
        .filter(format="lesson-learned")
        .order_by("-featured", "-first_published_at", "-pk")
        .first()
    )
