"""What the community knows about one country or region, scoped to the reader:
resources and lessons they may see, events and open discussions mentioning the
place, and members who opted in to the directory (signed-in readers only)."""

import json
import re
from functools import cache
from pathlib import Path

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone, translation
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


def english_name(code: str) -> str:
    with translation.override("en"):
        return str(countries.name(code.upper()))


def _countries_regex(codes) -> str:
    return r"(^|,)(" + "|".join(re.escape(code) for code in codes) + r")(,|$)"


def _resources_in(*, user, codes=(), region: str = "") -> QuerySet:
    from knowledge.selectors import resource_queryset_visible

    where = Q(pk__in=[])
    if codes:
        where |= Q(countries__regex=_countries_regex(codes))
    if region:
        where |= Q(regions__contains=[region])
    return resource_queryset_visible(user=user).filter(where)


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


def _mentions(names: list[str], *fields: str) -> Q:
    where = Q(pk__in=[])
    for name in names:
        for field in fields:
            where |= Q(**{f"{field}__icontains": name})
    return where


def _events_mentioning(*, user, names: list[str]) -> list:
    from working_groups.models import EventPage
    from working_groups.selectors import event_visibility_q

    events = (
        EventPage.objects.live()
        .public()
        .filter(event_visibility_q(user=user))
        .filter(_mentions(names, "title", "venue", "address", "introduction"))
        .order_by("-start")
    )
    now = timezone.now()
    events = list(events[:LIMIT])
    return sorted(events, key=lambda e: (e.start < now, abs((e.start - now).days)))


def _discussions_mentioning(*, user, names: list[str]) -> list:
    from forums.models import Post, Thread
    from forums.selectors import readable_forums_q

    first_posts = Post.objects.filter(
        position=1, deleted_at__isnull=True, is_hidden=False
    ).filter(_mentions(names, "body"))
    return list(
        Thread.objects.filter(
            readable_forums_q(user=user, prefix="forum__"),
            deleted_at__isnull=True,
            is_hidden=False,
            is_locked=False,
        )
        .filter(_mentions(names, "title") | Q(pk__in=first_posts.values("thread_id")))
        .select_related("forum")
        .order_by("-last_post_at")[:LIMIT]
    )


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


def _split(resources: QuerySet) -> tuple[list, list, int, int]:
    tacit = resources.filter(knowledge_type=KnowledgeType.TACIT)
    explicit = resources.exclude(knowledge_type=KnowledgeType.TACIT)
    listing = ("organisations", "tags", "groups")
    return (
        list(
            explicit.select_related("owning_group").prefetch_related(*listing)[:LIMIT]
        ),
        list(tacit.select_related("owning_group").prefetch_related(*listing)[:LIMIT]),
        explicit.count(),
        tacit.count(),
    )


def country_page(*, user, code: str) -> dict:
    code = code.upper()
    resources, lessons, resource_total, lesson_total = _split(
        _level_first(_resources_in(user=user, codes=[code]), Level.NATIONAL)
    )
    names = [english_name(code)]
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
        "events": _events_mentioning(user=user, names=names),
        "discussions": _discussions_mentioning(user=user, names=names),
        "members": _members(user=user, codes=[code]),
    }


def region_page(*, user, slug: str) -> dict:
    codes = REGION_COUNTRIES.get(slug, ())
    resources, lessons, resource_total, lesson_total = _split(
        _level_first(_resources_in(user=user, codes=codes, region=slug), Level.REGIONAL)
    )
    with translation.override("en"):
        names = [str(dict(Region.choices)[slug])]
    counts = country_counts(user=user)
    return {
        "slug": slug,
        "name": dict(Region.choices)[slug],
        "resources": resources,
        "lessons": lessons,
        "resource_total": resource_total,
        "lesson_total": lesson_total,
        "events": _events_mentioning(user=user, names=names),
        "discussions": _discussions_mentioning(user=user, names=names),
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


def country_counts(*, user) -> dict[str, dict[str, int]]:
    """Resources and lessons per country that ``user`` may see."""
    from knowledge.selectors import resource_queryset_visible

    counts: dict[str, dict[str, int]] = {}
    rows = (
        resource_queryset_visible(user=user)
        .exclude(countries="")
        .values_list("countries", "knowledge_type")
    )
    for codes, knowledge_type in rows:
        key = "lessons" if knowledge_type == KnowledgeType.TACIT else "resources"
        for code in str(codes).split(","):
            if code:
                row = counts.setdefault(code, {"resources": 0, "lessons": 0})
                row[key] += 1
    for row in counts.values():
        row["total"] = row["resources"] + row["lessons"]
    return counts


COLUMNS = [
    ("name", _("Country")),
    ("region", _("Region")),
    ("resources", _("Resources")),
    ("lessons", _("Lessons learned")),
    ("total", _("Total")),
]

SORTS = {
    "name": (lambda row: row["name"], False),
    "region": (lambda row: (row["region_label"], row["name"]), False),
    "resources": (lambda row: (row["resources"], row["name"]), True),
    "lessons": (lambda row: (row["lessons"], row["name"]), True),
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
