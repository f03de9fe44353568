"""Reads: run a search for a user, with the engine when it answers and the
database backend when it does not."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .backends import (
    SearchEngineUnavailable,
    SearchQueryRejected,
    database_backend,
    get_search_backend,
)
from .faceted import SearchQuery, SearchResults, Suggestion
from .permissions import SearchScope, search_scope_for_user

logger = logging.getLogger(__name__)

# After a failure the engine is skipped for a while, so a dead or slow engine
# costs one timeout, not one per request (per process; the next attempt after
# the pause probes it again).
ENGINE_RETRY_SECONDS = 30
_engine_down_until: dict[str, float] = {}

DEGRADED_NOTICE = _(
    "The search engine is not answering right now, so these results come from "
    "the portal's database. They may be ranked a little differently."
)


def engine_is_paused(name: str) -> bool:
    return _engine_down_until.get(name, 0) > time.monotonic()


def engine_failed(name: str, error: Exception) -> None:
    if isinstance(error, SearchQueryRejected):
        # A bad query, not an outage: the engine keeps serving other queries.
        logger.warning("search engine %s rejected a query: %s", name, error)
        return
    logger.warning("search engine %s unavailable: %s", name, error)
    _engine_down_until[name] = time.monotonic() + getattr(
        settings, "SEARCH_ENGINE_RETRY_SECONDS", ENGINE_RETRY_SECONDS
    )


def engine_recovered(name: str) -> None:
    _engine_down_until.pop(name, None)


@dataclass
class SearchOutcome:
    results: SearchResults
    degraded: bool = False
    notice: str = ""


def search_run(*, query: SearchQuery, user=None, scope: SearchScope | None = None):
    """Results of ``query`` as ``user`` may see them; never raises for engine
    trouble: the database backend answers instead, and says so."""
    scope = scope or search_scope_for_user(user)
    backend = get_search_backend()
    if not backend.is_database and not engine_is_paused(backend.name):
        try:
            results = backend.search(query, scope)
        except SearchEngineUnavailable as error:
            engine_failed(backend.name, error)
        else:
            engine_recovered(backend.name)
            return SearchOutcome(results)
    results = database_backend().search(query, scope)
    if backend.is_database:
        return SearchOutcome(results)
    results.degraded = True
    return SearchOutcome(results, degraded=True, notice=str(DEGRADED_NOTICE))


# A related list is kept this long per document and visibility scope (the
# kept hits are checked against the reader's visibility on every read; purged
# when a resource is published, changed, unpublished, moved or deleted).
RELATED_CACHE_SECONDS = 600
_RELATED_GENERATION_KEY = "search:related:generation"


def related_content_purge() -> None:
    """Forget every kept related list (keyed by a generation number)."""
    from django.core.cache import cache

    try:
        cache.incr(_RELATED_GENERATION_KEY)
    except ValueError:
        cache.set(_RELATED_GENERATION_KEY, 1, None)


def _scope_label(scope: SearchScope) -> str:
    if scope.all:
        return "all"
    return ",".join(str(pk) for pk in sorted(scope.group_ids))


def related_content(*, user, key: str, limit: int = 5) -> list:
    """Resources and discussions like the document ``key`` that ``user`` may
    see, from the engine when it answers, else from the database. Empty when
    search itself is unavailable: a page never fails for its related items.

    Kept for a while per document and visibility scope (one cache read with
    the generation); every read checks the kept hits against the search
    documents as the reader may see them now, so nothing withdrawn, made
    private or removed from the index since is shown."""
    from django.core.cache import cache

    scope = search_scope_for_user(user)
    digest = hashlib.sha256(
        f"{key}|{_scope_label(scope)}|{limit}".encode()
    ).hexdigest()[:32]
    entry_key = f"search:related:{digest}"
    kept = cache.get_many([_RELATED_GENERATION_KEY, entry_key])
    generation = kept.get(_RELATED_GENERATION_KEY, 0)
    entry = kept.get(entry_key)
    if entry is not None and entry[0] == generation:
        return _still_visible(entry[1], scope)
    hits = _related_uncached(scope, key, limit)
    if hits is not None:
        cache.set(entry_key, (generation, hits), RELATED_CACHE_SECONDS)
    return hits or []


def _related_uncached(scope: SearchScope, key: str, limit: int) -> list | None:
    """None when search is unavailable (nothing to keep)."""
    backend = get_search_backend()
    if not backend.is_database and not engine_is_paused(backend.name):
        try:
            return backend.related(key, scope, limit=limit)
        except SearchEngineUnavailable as error:
            engine_failed(backend.name, error)
    try:
        return database_backend().related(key, scope, limit=limit)
    except SearchEngineUnavailable:
        logger.warning("related content unavailable for %s", key)
        return None


def _still_visible(hits: list, scope: SearchScope) -> list:
    """The kept hits still in the index and visible in ``scope`` (one query)."""
    from django.db.models import Q

    from .models import IndexedDocument

    if not hits:
        return []
    documents = IndexedDocument.objects.filter(key__in=[hit.key for hit in hits])
    if not scope.all:
        visible = Q(is_public=True)
        if scope.group_ids:
            visible |= Q(group_ids__overlap=sorted(scope.group_ids))
        documents = documents.filter(visible)
    keys = set(documents.values_list("key", flat=True))
    return [hit for hit in hits if hit.key in keys]


def search_suggestions(*, text: str, user=None, limit: int = 8) -> list[Suggestion]:
    scope = search_scope_for_user(user)
    backend = get_search_backend()
    if not backend.is_database and not engine_is_paused(backend.name):
        try:
            return backend.suggest(text, scope, limit=limit)
        except SearchEngineUnavailable as error:
            engine_failed(backend.name, error)
    return database_backend().suggest(text, scope, limit=limit)


def group_labels(*, user, group_ids) -> dict[str, str]:
    """Titles of the working groups ``user`` may see, for the group facet."""
    from working_groups.selectors import group_list

    ids = {int(pk) for pk in group_ids}
    if not ids:
        return {}
    return {
        str(pk): title
        for pk, title in group_list(user=user)
        .filter(pk__in=ids)
        .values_list("pk", "title")
    }


def label_group_facet(results: SearchResults, *, user) -> None:
    """Name the group buckets; drop buckets of groups the user may not see."""
    facet = results.facets.get("group")
    if facet is None:
        return
    labels = group_labels(user=user, group_ids=[b.value for b in facet.buckets])
    facet.buckets = [b for b in facet.buckets if b.value in labels or b.selected]
    for bucket in facet.buckets:
        bucket.label = labels.get(bucket.value, bucket.value)
    label_forum_facet(results)


def label_forum_facet(results: SearchResults) -> None:
    """Name the forum buckets (values come only from documents the reader may
    see, so their names are theirs to read)."""
    facet = results.facets.get("forum")
    if facet is None or not facet.buckets:
        return
    from forums.models import Forum

    names = dict(
        Forum.objects.filter(slug__in=[b.value for b in facet.buckets]).values_list(
            "slug", "name"
        )
    )
    from django.utils.translation import gettext

    for bucket in facet.buckets:
        # Names the portal wrote (the Community forum's) in the reader's
        # language, as the forum pages show them; others unchanged.
        name = names.get(bucket.value, bucket.value)
        bucket.label = gettext(name) if name else name


def popular_tags(*, user, limit: int = 12) -> list[tuple[str, int]]:
    """Tags most used by documents the user may see, for the empty search page."""
    from django.db.models import Sum

    from .models import SearchTerm

    scope = search_scope_for_user(user)
    terms = SearchTerm.objects.filter(kind=SearchTerm.TAG)
    if not scope.all:
        terms = terms.filter(scope__in=[0, *scope.group_ids])
    return list(
        terms.values("term")
        .annotate(n=Sum("document_count"))
        .order_by("-n", "term")
        .values_list("term", "n")[:limit]
    )


def saved_search_list(*, user):
    from .models import SavedSearch

    if not getattr(user, "is_authenticated", False):
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(user=user).order_by("name")
