"""Reads behind /oai/: the public resources (as a visitor sees them, through
knowledge.selectors) and the tombstones of those that are no longer public."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Min, QuerySet
from django.utils.translation import gettext as _

from knowledge.models import ResourcePage
from knowledge.selectors import LibraryQuery, resource_search, resource_total_kept
from knowledge.vocabulary import Format, KnowledgeType, Level
from working_groups.selectors import group_list

from .models import DeletedRecord

# Set families: the part before ":" in a setSpec, with the library filter it maps to.
SET_FAMILIES = {
    "group": "group",
    "format": "format",
    "knowledge_type": "knowledge_type",
    "level": "level",
}


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str


def _visitor():
    return AnonymousUser()


def _set_query(set_spec: str) -> LibraryQuery:
    """The library filters of a set."""
    query = LibraryQuery()
    if set_spec:
        family, _sep, value = set_spec.partition(":")
        if family == "group":
            query.group = [value] if value else list(_public_group_slugs())
        elif value:
            setattr(query, SET_FAMILIES[family], [value])
    return query


def public_resources(*, set_spec: str = "") -> QuerySet[ResourcePage]:
    """Resources a visitor may read (the library's own rule), narrowed to a set
    with the library's own filters, in harvesting order (by id)."""
    return resource_search(user=_visitor(), query=_set_query(set_spec)).order_by("pk")


def public_resource_total(*, set_spec: str = "") -> int:
    """How many resources ``public_resources`` lists: the library's kept count
    (one pass, kept briefly) rather than a count of every row per page."""
    total = resource_total_kept(user=_visitor(), query=_set_query(set_spec))
    if total is None:
        total = public_resources(set_spec=set_spec).count()
    return total


def public_resource_get(*, resource_id: int) -> ResourcePage | None:
    return public_resources().filter(pk=resource_id).first()


def deleted_records(*, set_spec: str = "") -> QuerySet[DeletedRecord]:
    """Tombstones, minus any whose resource is public again (should a sync lag)."""
    records = DeletedRecord.objects.exclude(
        resource_id__in=public_resources().values("pk")
    )
    if set_spec:
        records = records.filter(set_specs__contains=[set_spec])
    return records.order_by("resource_id")


def _public_group_slugs():
    return group_list(user=_visitor()).values_list("slug", flat=True)


def public_group_slugs_by_id() -> dict[int, str]:
    """The public working groups' slugs by id (read once for a list of records)."""
    return {group.pk: group.slug for group in group_list(user=_visitor()).only("slug")}


def set_specs_for(
    resource: ResourcePage, *, public_groups: dict[int, str] | None = None
) -> list[str]:
    """The sets a resource is in, as a visitor would see them: leaf sets
    (``format:report``) and their families (``format``). Private groups a public
    resource is also shared with are never named. ``public_groups``
    (``public_group_slugs_by_id()``) saves a query per resource in a list."""
    if public_groups is None:
        public_groups = public_group_slugs_by_id()
    specs = [
        f"group:{public_groups[group_id]}"
        for group_id in sorted(resource.group_ids)
        if group_id in public_groups
    ]
    if specs:
        specs.insert(0, "group")
    for family in ("format", "knowledge_type", "level"):
        value = getattr(resource, family)
        if value:
            specs += [family, f"{family}:{value}"]
    return specs


def set_list() -> list[OaiSet]:
    """Every set: the families, then one per public working group, format,
    knowledge type and level."""
    sets = [OaiSet("group", _("Working groups"))]
    sets += [
        OaiSet(f"group:{group.slug}", group.title)
        for group in group_list(user=_visitor())
    ]
    for family, label, choices in (
        ("format", _("Formats"), Format.choices),
        ("knowledge_type", _("Knowledge types"), KnowledgeType.choices),
        ("level", _("Levels"), Level.choices),
    ):
        sets.append(OaiSet(family, str(label)))
        sets += [OaiSet(f"{family}:{value}", str(name)) for value, name in choices]
    return sets


def set_exists(spec: str) -> bool:
    return any(oai_set.spec == spec for oai_set in set_list())


def earliest_datestamp():
    published = public_resources().aggregate(first=Min("last_published_at"))["first"]
    deleted = DeletedRecord.objects.aggregate(first=Min("datestamp"))["first"]
    candidates = [value for value in (published, deleted) if value is not None]
    return min(candidates) if candidates else None
