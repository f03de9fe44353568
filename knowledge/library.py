"""The listing behind /knowledge/, /lessons-learned/ and tag pages: filters from
the query string, facets with counts, sorting and pagination."""

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from working_groups.selectors import group_list

from .forms import LibraryFilterForm
from .selectors import (
    LibraryQuery,
    ResultWindow,
    resource_counts,
    resource_rank_window,
    resource_search,
)
from .vocabulary import LANGUAGE_NAMES, Format, KnowledgeType, Level, Region

PAGE_SIZE = 20
TAG_FACET_SIZE = 20

FACET_LABELS = {
    "knowledge_type": _("Knowledge type"),
    "format": _("Format"),
    "level": _("Level"),
    "group": _("Working group"),
    "tag": _("Tag"),
    "language": _("Language"),
    "region": _("Region"),
    "country": _("Country"),
}


def _toggled_query(params, name: str, value: str) -> str:
    """The query string with ``value`` of filter ``name`` switched on or off
    (and back to the first page)."""
    query = params.copy()
    values = query.getlist(name)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    query.setlist(name, values)
    query.pop("page", None)
    return query.urlencode()


def _options(params, name, choices, counts, selected):
    """Facet options in vocabulary order, hiding empty ones unless selected.
    A chosen option carries the query string that removes it (the active
    filters' links); the others need none (the form sends the checkboxes)."""
    options = []
    for value, label in choices:
        count = counts.get(value, 0)
        chosen = value in selected
        if count or chosen:
            option = {"value": value, "label": label, "count": count}
            option["selected"] = chosen
            if chosen:
                option["query"] = _toggled_query(params, name, value)
            options.append(option)
    return options


def library_facets(
    request, query: LibraryQuery, *, fixed: tuple = (), counts: dict | None = None
) -> list[dict]:
    if counts is None:
        counts = resource_counts(user=request.user, query=query)["facets"]
    params = request.GET
    language_choices = sorted(
        ((code, LANGUAGE_NAMES.get(code, code)) for code in counts["language"]),
        key=lambda item: -counts["language"][item[0]],
    )
    # Plain values: ten group pages cost more to build than to render.
    groups = list(group_list(user=request.user).values_list("slug", "title", "pk"))
    group_counts = {slug: counts["group"].get(pk, 0) for slug, _title, pk in groups}
    tag_rows = list(counts["tag"].items())
    shown_tags = tag_rows[:TAG_FACET_SIZE] + [
        (slug, value) for slug, value in tag_rows[TAG_FACET_SIZE:] if slug in query.tag
    ]
    facets = [
        ("knowledge_type", KnowledgeType.choices, counts["knowledge_type"]),
        ("format", Format.choices, counts["format"]),
        ("level", Level.choices, counts["level"]),
        ("group", [(slug, title) for slug, title, _pk in groups], group_counts),
        ("region", Region.choices, counts["region"]),
        _country_facet(counts["country"], query.country),
        ("language", language_choices, counts["language"]),
        (
            "tag",
            [(slug, name) for slug, (name, _count) in shown_tags],
            {slug: count for slug, (_name, count) in shown_tags},
        ),
    ]
    result = [
        {
            "name": name,
            "label": FACET_LABELS[name],
            "options": _options(
                params, name, choices, facet_counts, getattr(query, name)
            ),
        }
        for name, choices, facet_counts in facets
        if name not in fixed
    ]
    for facet in result:  # each region and country has a page (places app)
        if facet["name"] == "region":
            for option in facet["options"]:
                option["url"] = f"/regions/{option['value']}/"
        if facet["name"] == "country":
            for option in facet["options"]:
                option["url"] = f"/countries/{option['value'].lower()}/"
    return result


def _country_facet(counts: dict, selected: list) -> tuple:
    """Countries with resources (and the chosen ones), most resources first."""
    from django_countries import countries

    choices = sorted(
        ((code, str(countries.name(code)) or code) for code in {*counts, *selected}),
        key=lambda item: (-counts.get(item[0], 0), item[1]),
    )
    return ("country", choices, counts)


def _active_filters(request, query: LibraryQuery, facets, fixed) -> list[dict]:
    """The filters in force, each with a link that removes it."""
    active = []
    for facet in facets:
        for option in facet["options"]:
            if option["selected"]:
                active.append(
                    {
                        "label": f"{facet['label']}: {option['label']}",
                        "query": option["query"],
                    }
                )
    params = request.GET
    for name, label in (
        ("q", _("Search")),
        ("year_from", _("From year")),
        ("year_to", _("To year")),
    ):
        value = getattr(query, name)
        if value:
            remaining = params.copy()
            remaining.pop(name, None)
            remaining.pop("page", None)
            active.append(
                {"label": f"{label}: {value}", "query": remaining.urlencode()}
            )
    return active


def library_context(
    request, *, lessons: bool = False, tag=None, base_path: str = "/knowledge/"
) -> dict:
    """Everything the library templates need for the request's filters."""
    form = LibraryFilterForm(request.GET)
    query = form.to_query(lessons_first=lessons)
    fixed = []
    if lessons:
        query.knowledge_type = [KnowledgeType.TACIT]
        fixed.append("knowledge_type")
    if tag is not None:
        query.tag = [tag.slug]
        fixed.append("tag")
    results = resource_search(user=request.user, query=query)
    counts = resource_counts(user=request.user, query=query)
    window = ResultWindow(
        results,
        counts["total"],
        ranked_window=resource_rank_window(user=request.user, query=query),
    )
    paginator = Paginator(window, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    facets = library_facets(request, query, fixed=tuple(fixed), counts=counts["facets"])
    cite_query = request.GET.copy()
    cite_query.pop("page", None)
    if lessons:
        cite_query.setlist("knowledge_type", [KnowledgeType.TACIT])
    if tag is not None:
        cite_query.setlist("tag", [tag.slug])
    return {
        "filter_form": form,
        "filter_errors": [
            error for field_errors in form.errors.values() for error in field_errors
        ],
        "ignored_filters": form.ignored_values,
        "query": query,
        "facets": facets,
        "active_filters": _active_filters(request, query, facets, fixed),
        "page_obj": page_obj,
        "resources": page_obj.object_list,
        "result_count": paginator.count,
        "base_path": base_path,
        "cite_query": cite_query.urlencode(),
        "is_lessons": lessons,
        "tag": tag,
        "sort_choices": form.fields["sort"].choices,
        "moderation_pending": _moderation_pending(request.user),
    }


def _moderation_pending(user) -> int | None:
    """How many submissions await this user's decision (None: not a moderator)."""
    from working_groups.selectors import moderated_group_ids_for_user

    from .selectors import resource_list_pending_for_user

    if not getattr(user, "is_authenticated", False):
        return None
    if not (user.is_staff or moderated_group_ids_for_user(user=user)):
        return None
    return resource_list_pending_for_user(user=user).count()
