"""Reads of the knowledge library, always scoped to what the user may see."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Lower
from wagtail.models import TaskState, WorkflowState

from working_groups.models import Visibility, WorkingGroupPage
from working_groups.selectors import group_ids_for_user, moderated_group_ids_for_user

from .models import ResourcePage, ResourceTag
from .vocabulary import Format, Region

GroupLink = ResourcePage.groups.through


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_active", False))


def _in_groups(group_ids) -> Q:
    """Resources owned by, or also shared with, any of these groups."""
    return Q(owning_group_id__in=group_ids) | Q(
        pk__in=GroupLink.objects.filter(workinggrouppage_id__in=group_ids).values(
            "resourcepage_id"
        )
    )


def resource_queryset_visible(*, user) -> QuerySet[ResourcePage]:
    """Live resources the user may see: public ones (outside private groups), the
    members-only ones of the groups they are an active member of; staff see all."""
    resources = ResourcePage.objects.live()
    if _is_staff(user):
        return resources
    public = Q(visibility=Visibility.PUBLIC) & (
        Q(owning_group__isnull=True) | Q(owning_group__visibility=Visibility.PUBLIC)
    )
    member_of = group_ids_for_user(user=user)
    if not member_of:
        return resources.filter(public)
    return resources.filter(public | _in_groups(member_of))


def _with_listing_relations(resources: QuerySet) -> QuerySet:
    return resources.select_related("owning_group").prefetch_related(
        "organisations", "tags", "groups"
    )


def resource_list_latest(*, user, limit: int = 6) -> list[ResourcePage]:
    """Latest resources the user may see, newest first (home page)."""
    resources = resource_queryset_visible(user=user).order_by(
        "-first_published_at", "-pk"
    )
    return list(resources.select_related("owning_group")[:limit])


def resource_list_for_group(
    *, user, group: WorkingGroupPage, limit: int = 6, featured: bool | None = None
) -> list[ResourcePage]:
    """Visible resources of a working group, featured first then newest;
    ``featured=True`` keeps only the curated ones."""
    resources = resource_queryset_visible(user=user).filter(_in_groups([group.pk]))
    if featured is not None:
        resources = resources.filter(featured=featured)
    resources = resources.order_by("-featured", "-first_published_at", "-pk")
    return list(_with_listing_relations(resources)[:limit])


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
FACETS = ("knowledge_type", "format", "level", "group", "tag", "language", "region")


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


def _search_vector() -> SearchVector:
    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("introduction", weight="B", config="english")
        + SearchVector("authors", "series", weight="C", config="english")
        + SearchVector(
            "lesson_context",
            "lesson_challenge",
            "lesson_action",
            "lesson_result",
            "lesson_learned",
            "lesson_recommendation",
            weight="D",
            config="english",
        )
    )


def _text_match(text: str) -> Q:
    organisations = ResourcePage.organisations.through.objects.filter(
        Q(organisation__name__icontains=text) | Q(organisation__acronym__iexact=text)
    ).values("resourcepage_id")
    tagged = ResourceTag.objects.filter(tag__name__iexact=text).values(
        "content_object_id"
    )
    return (
        Q(search_document=_search_query(text))
        | Q(title__icontains=text)
        | Q(pk__in=organisations)
        | Q(pk__in=tagged)
        | Q(doi__iexact=text)
    )


def _apply_filters(resources: QuerySet, query: LibraryQuery, *, skip: str = ""):
    """All filters of ``query`` except the facet ``skip`` (for its own counts)."""
    if query.q:
        resources = resources.annotate(search_document=_search_vector()).filter(
            _text_match(query.q)
        )
    if query.year_from:
        resources = resources.filter(publication_year__gte=query.year_from)
    if query.year_to:
        resources = resources.filter(publication_year__lte=query.year_to)
    simple = {
        "knowledge_type": "knowledge_type__in",
        "format": "format__in",
        "level": "level__in",
        "language": "language__in",
    }
    for name, lookup in simple.items():
        values = getattr(query, name)
        if values and name != skip:
            resources = resources.filter(**{lookup: values})
    if query.region and skip != "region":
        resources = resources.filter(regions__overlap=query.region)
    if query.group and skip != "group":
        group_ids = WorkingGroupPage.objects.filter(slug__in=query.group).values("pk")
        resources = resources.filter(_in_groups(group_ids))
    if query.tag and skip != "tag":
        tagged = ResourceTag.objects.filter(tag__slug__in=query.tag).values(
            "content_object_id"
        )
        resources = resources.filter(pk__in=tagged)
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
            rank=SearchRank(_search_vector(), _search_query(query.q))
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


def resource_search(*, user, query: LibraryQuery) -> QuerySet[ResourcePage]:
    """The library's results for ``query``, sorted, with what listings show."""
    resources = _apply_filters(resource_queryset_visible(user=user), query)
    return _with_listing_relations(_ordered(resources, query))


def _value_counts(resources: QuerySet, field_name: str) -> dict[str, int]:
    rows = resources.order_by().values(field_name).annotate(count=Count("pk"))
    return {row[field_name]: row["count"] for row in rows if row[field_name]}


def resource_facet_counts(*, user, query: LibraryQuery) -> dict[str, dict]:
    """For each facet, how many results each value would give, combined with
    every other filter in force (a facet does not narrow its own counts).

    A fixed number of queries, however many resources match."""
    visible = resource_queryset_visible(user=user)
    counts: dict[str, dict] = {}
    for name in ("knowledge_type", "format", "level", "language"):
        counts[name] = _value_counts(_apply_filters(visible, query, skip=name), name)

    by_region = _apply_filters(visible, query, skip="region").aggregate(
        **{
            region.value: Count("pk", filter=Q(regions__contains=[region.value]))
            for region in Region
        }
    )
    counts["region"] = {key: value for key, value in by_region.items() if value}

    in_selection = _apply_filters(visible, query, skip="group").values("pk")
    by_group: dict[int, int] = {}
    owned = (
        ResourcePage.objects.filter(pk__in=in_selection, owning_group__isnull=False)
        .values("owning_group")
        .annotate(count=Count("pk"))
    )
    for row in owned:
        by_group[row["owning_group"]] = row["count"]
    shared = (
        GroupLink.objects.filter(resourcepage_id__in=in_selection)
        .exclude(
            resourcepage__owning_group_id=F("workinggrouppage_id"),
        )
        .values("workinggrouppage_id")
        .annotate(count=Count("resourcepage_id", distinct=True))
    )
    for row in shared:
        group_id = row["workinggrouppage_id"]
        by_group[group_id] = by_group.get(group_id, 0) + row["count"]
    counts["group"] = by_group

    in_selection = _apply_filters(visible, query, skip="tag").values("pk")
    tag_rows = (
        ResourceTag.objects.filter(content_object_id__in=in_selection)
        .values("tag__slug", "tag__name")
        .annotate(count=Count("content_object_id", distinct=True))
        .order_by("-count", "tag__name")
    )
    counts["tag"] = {
        row["tag__slug"]: (row["tag__name"], row["count"]) for row in tag_rows
    }
    return counts


def tag_list_with_counts(*, user) -> list[dict]:
    """Tags of the resources the user may see, with how many each has."""
    visible = resource_queryset_visible(user=user).values("pk")
    return list(
        ResourceTag.objects.filter(content_object_id__in=visible)
        .values("tag__slug", "tag__name")
        .annotate(count=Count("content_object_id", distinct=True))
        .order_by("tag__name")
    )


def resource_get_visible(*, user, slug: str) -> ResourcePage | None:
    return resource_queryset_visible(user=user).filter(slug=slug).first()


def resource_find_existing(*, doi: str = "", url: str = "") -> ResourcePage | None:
    """The resource an import row describes, by DOI first, then by link."""
    if doi:
        match = ResourcePage.objects.filter(doi__iexact=doi).order_by("pk").first()
        if match is not None:
            return match
    if url:
        return ResourcePage.objects.filter(external_url=url).order_by("pk").first()
    return None
