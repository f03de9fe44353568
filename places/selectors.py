"""What the community knows about one country or region, scoped to the reader:
resources and lessons they may see, events and open discussions mentioning the
place, and members who opted in to the directory (signed-in readers only)."""

import json
from functools import cache
from pathlib import Path

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from knowledge.vocabulary import KnowledgeType, Level, Region

from .regions import COUNTRY_REGION, REGION_COUNTRIES

MAP_FILE = Path(__file__).resolve().parent / "data" / "world_map.json"
LIMIT = 12


@cache
def world_map() -> dict:
    return json.loads(MAP_FILE.read_text())


def country_code_valid(code: str) -> bool:
    return bool(code) and code.upper() in dict(countries)


def _resources_in(*, user, codes=(), region: str = "") -> QuerySet:
    """Visible resources about any of ``codes`` or the region (both indexed)."""
    from knowledge.models.pages import country_codes
    from knowledge.selectors import resource_queryset_visible

    where = Q(pk__in=[])
    if codes:
        where |= Q(country_list__overlap=list(codes))
    if region:
        where |= Q(regions__contains=[region])
    return (
        resource_queryset_visible(user=user)
        .alias(country_list=country_codes())
        .filter(where)
    )


def _level_first(resources: QuerySet, first: str) -> QuerySet:
    """The place's own level first, then the nearest scales."""
    nearest = [Level.NATIONAL, Level.REGIONAL, Level.INTERNATIONAL, Level.ALL_LEVELS]
    order = [first] + [level for level in nearest if level != first]
    return resources.annotate(
        level_rank=Case(
            *[When(level=level, then=Value(rank)) for rank, level in enumerate(order)],
            default=Value(len(order)),
            output_field=IntegerField(),
        )
    ).order_by("level_rank", "-first_published_at", "pk")


def _events_in(*, user, codes=None) -> QuerySet:
    """Events held in the countries ``codes`` (their structured country; any
    country when ``None``) that ``user`` may see; cancelled ones were not held
    there."""
    from working_groups.models import EventPage
    from working_groups.selectors import event_visibility_q

    return (
        EventPage.objects.live()
        .public()
        .filter(event_visibility_q(user=user))
        .filter(cancelled=False)
        .filter(Q(country__in=list(codes)) if codes is not None else ~Q(country=""))
    )


def _events_listing(events: QuerySet) -> list:
    """Upcoming first (soonest first), then the most recent past ones."""
    now = timezone.now()
    events = list(events.order_by("-start")[:LIMIT])
    return sorted(events, key=lambda e: (e.start < now, abs((e.start - now).days)))


def _discussions_in(*, user, codes=None) -> QuerySet:
    """Open threads ``user`` may read whose title or opening post mentions one
    of ``codes``, in any of the six languages: the countries are worked out
    once, when the thread is indexed (forums.search_documents)."""
    from forums.models import Thread
    from forums.search_documents import THREAD_SOURCE
    from forums.selectors import readable_forums_q
    from search.models import IndexedDocument

    mentioning = IndexedDocument.objects.filter(source=THREAD_SOURCE)
    if codes is None:
        mentioning = mentioning.exclude(countries=[]).values("object_id")
    else:
        # The ids first, through the GIN index on the documents' countries:
        # as a subquery the planner misjudged the overlap and read every
        # thread's document once per readable forum (~90 ms for a region
        # at 5,000 threads, for the list and again for the total).
        mentioning = list(
            mentioning.filter(countries__overlap=list(codes)).values_list(
                "object_id", flat=True
            )
        )
    return Thread.objects.filter(
        readable_forums_q(user=user, prefix="forum__"),
        pk__in=mentioning,
        deleted_at__isnull=True,
        is_hidden=False,
        is_locked=False,
    )


def _discussions_listing(threads: QuerySet) -> list:
    return list(threads.select_related("forum").order_by("-last_post_at")[:LIMIT])


def _events_and_discussions(*, user, codes) -> dict:
    events = _events_in(user=user, codes=codes)
    discussions = _discussions_in(user=user, codes=codes)
    return {
        "events": _events_listing(events),
        "event_total": events.count(),
        "discussions": _discussions_listing(discussions),
        "discussion_total": discussions.count(),
    }


def _members(*, user, codes) -> list | None:
    """Opted-in members only, and only for signed-in readers (the directory is
    members-only); ``None`` tells the template to invite visitors to sign in."""
    from people.permissions import can_view_directory
    from people.selectors import country_q, listed_profiles

    if not can_view_directory(user):
        return None
    where = Q(pk__in=[])
    for code in codes:
        where |= country_q(code)
    return list(
        listed_profiles()
        .filter(where)
        .select_related("user")
        .prefetch_related("tagged_items__tag")
        .order_by("display_name", "pk")[:50]
    )


def _split(resources: QuerySet, *, user, place: str) -> tuple[list, list, int, int]:
    """The first resources and lessons learned about a place, and how many of
    each. Finding them reads every resource about the place (a region has
    thousands), so the ids and totals are kept like the country counts."""
    from django.core.cache import cache

    from knowledge.selectors import _visibility_scope_key, resource_cards

    key = _visibility_scope_key(user, f"place-resources:{place}")
    found = cache.get(key)
    if found is None:
        tacit = resources.filter(knowledge_type=KnowledgeType.TACIT)
        explicit = resources.exclude(knowledge_type=KnowledgeType.TACIT)
        found = (
            list(explicit.values_list("pk", flat=True)[:LIMIT]),
            list(tacit.values_list("pk", flat=True)[:LIMIT]),
            explicit.count(),
            tacit.count(),
        )
        cache.set(key, found, COUNTS_CACHE_SECONDS)
    explicit_ids, tacit_ids, explicit_total, tacit_total = found
    cards = {card.pk: card for card in resource_cards([*explicit_ids, *tacit_ids])}
    return (
        [cards[pk] for pk in explicit_ids if pk in cards],
        [cards[pk] for pk in tacit_ids if pk in cards],
        explicit_total,
        tacit_total,
    )


def country_page(*, user, code: str) -> dict:
    code = code.upper()
    resources, lessons, resource_total, lesson_total = _split(
        _level_first(_resources_in(user=user, codes=[code]), Level.NATIONAL),
        user=user,
        place=f"country:{code}",
    )
    region = COUNTRY_REGION.get(code, "")
    return {
        "code": code,
        "name": countries.name(code),
        "region": region,
        "region_label": dict(Region.choices).get(region, ""),
        "resources": resources,
        "lessons": lessons,
        "resource_total": resource_total,
        "lesson_total": lesson_total,
        **_events_and_discussions(user=user, codes=[code]),
        "members": _members(user=user, codes=[code]),
    }


def region_page(*, user, slug: str) -> dict:
    codes = REGION_COUNTRIES.get(slug, ())
    resources, lessons, resource_total, lesson_total = _split(
        _level_first(
            _resources_in(user=user, codes=codes, region=slug), Level.REGIONAL
        ),
        user=user,
        place=f"region:{slug}",
    )
    counts = country_counts(user=user)
    return {
        "slug": slug,
        "name": dict(Region.choices)[slug],
        "resources": resources,
        "lessons": lessons,
        "resource_total": resource_total,
        "lesson_total": lesson_total,
        **_events_and_discussions(user=user, codes=codes),
        "members": _members(user=user, codes=codes) if codes else [],
        "countries": sorted(
            (
                {
                    "code": code,
                    "name": str(countries.name(code)),
                    **counts.get(code, {}),
                }
                for code in codes
                if code in counts
            ),
            key=lambda row: row["name"],
        ),
    }


KINDS = ("resources", "lessons", "events", "discussions")


def country_counts(*, user) -> dict[str, dict[str, int]]:
    """Resources, lessons learned, events held and open discussions per
    country that ``user`` may see: the map, its table and the region list all
    read these numbers, and the country pages list the same items.

    Kept briefly per visibility scope (``COUNTS_CACHE_SECONDS``) and dropped
    with the library's counts when a resource changes: every visible
    resource's countries are read to count them."""
    from django.core.cache import cache

    from knowledge.selectors import _visibility_scope_key

    key = _visibility_scope_key(user, "country-counts")
    counts = cache.get(key)
    if counts is None:
        counts = _country_counts(user=user)
        cache.set(key, counts, COUNTS_CACHE_SECONDS)
    return counts


COUNTS_CACHE_SECONDS = 60


def _country_counts(*, user) -> dict[str, dict[str, int]]:
    from forums.search_documents import THREAD_SOURCE
    from knowledge.selectors import resource_queryset_visible
    from search.models import IndexedDocument

    counts: dict[str, dict[str, int]] = {}

    def add(code: str, kind: str, number: int = 1) -> None:
        if code:
            row = counts.setdefault(code, dict.fromkeys(KINDS, 0))
            row[kind] += number

    rows = (
        resource_queryset_visible(user=user)
        .exclude(countries="")
        .values_list("countries", "knowledge_type")
    )
    for codes, knowledge_type in rows:
        kind = "lessons" if knowledge_type == KnowledgeType.TACIT else "resources"
        for code in str(codes).split(","):
            add(code, kind)
    events = (
        _events_in(user=user)
        .order_by()
        .values_list("country")
        .annotate(number=Count("pk"))
    )
    for code, number in events:
        add(str(code), "events", number)
    threads = _discussions_in(user=user).values("pk")
    mentions = IndexedDocument.objects.filter(
        source=THREAD_SOURCE, object_id__in=threads
    ).values_list("countries", flat=True)
    for codes in mentions:
        for code in codes:
            add(code, "discussions")
    for row in counts.values():
        row["total"] = sum(row[kind] for kind in KINDS)
    return counts


COLUMNS = [
    ("name", _("Country")),
    ("region", _("Region")),
    ("resources", _("Resources")),
    ("lessons", _("Lessons learned")),
    ("events", _("Events")),
    ("discussions", _("Discussions")),
    ("total", _("Total")),
]

SORTS = {
    "name": (lambda row: row["name"], False),
    "region": (lambda row: (row["region_label"], row["name"]), False),
    "resources": (lambda row: (row["resources"], row["name"]), True),
    "lessons": (lambda row: (row["lessons"], row["name"]), True),
    "events": (lambda row: (row["events"], row["name"]), True),
    "discussions": (lambda row: (row["discussions"], row["name"]), True),
    "total": (lambda row: (row["total"], row["name"]), True),
}


def shade(total: int, highest: int) -> int:
    """Five shades, 0 for nothing shared."""
    if total <= 0 or highest <= 0:
        return 0
    return min(4, 1 + int(3 * total / highest))


def country_index(*, user, sort: str = "total") -> dict:
    counts = country_counts(user=user)
    regions = dict(Region.choices)
    table = [
        {
            "code": code,
            "name": str(countries.name(code)),
            "region": COUNTRY_REGION.get(code, ""),
            "region_label": str(regions.get(COUNTRY_REGION.get(code, ""), "")),
            **row,
        }
        for code, row in counts.items()
        if country_code_valid(code)
    ]
    key, reverse = SORTS.get(sort, SORTS["total"])
    if reverse:
        table.sort(key=lambda row: (-key(row)[0], key(row)[1]))
    else:
        table.sort(key=key)
    highest = max((row["total"] for row in table), default=0)
    by_code = {row["code"]: row for row in table}
    shapes = []
    for shape in world_map()["countries"]:
        row = by_code.get(shape["code"])
        shapes.append(
            {
                "code": shape["code"],
                "d": shape["d"],
                "row": row,
                "name": row["name"] if row else "",
                "shade": shade(row["total"], highest) if row else 0,
            }
        )
    # Linked countries last, so their focus outline is drawn above neighbours.
    shapes.sort(key=lambda shape: shape["row"] is not None)
    region_totals = dict.fromkeys(REGION_COUNTRIES, 0)
    for row in table:
        if row["region"]:
            region_totals[row["region"]] += row["total"]
    return {
        "map": world_map(),
        "shapes": shapes,
        "table": table,
        "sort": sort if sort in SORTS else "total",
        "columns": COLUMNS,
        "regions": [
            {"slug": slug, "name": label, "total": region_totals.get(slug, 0)}
            for slug, label in Region.choices
        ],
        "mapped_codes": {shape["code"] for shape in world_map()["countries"]},
    }
