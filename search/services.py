"""Writes: keep the search index in step with content, rebuild it, and manage
saved searches and their alerts."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from languages.mail import recipient_language
from notifications.models import Kind
from notifications.preferences import email_wanted
from notifications.services import fan_out_after_commit
from portal.links import absolute_url
from portal.mail import mail_queue, retry_delay

from .backends import (
    SearchBackend,
    SearchEngineUnavailable,
    database_backend,
    get_search_backend,
)
from .backends.base import ReindexResult
from .documents import all_documents, document_key, provider_for, providers
from .faceted import SearchQuery, Sort
from .models import (
    IndexedDocument,
    PendingIndexOperation,
    SavedSearch,
    SavedSearchAlertItem,
)
from .permissions import search_scope_for_user

logger = logging.getLogger(__name__)

RETRY_BATCH = 200


# Index sync -----------------------------------------------------------------


def active_backends() -> list[SearchBackend]:
    """The database backend (always: the fallback and source of truth), then the
    configured engine when it is not the database."""
    database = database_backend()
    engine = get_search_backend()
    return [database] if engine.name == database.name else [database, engine]


def _write(backend: SearchBackend, documents, keys_to_delete) -> None:
    if backend.is_database:
        with transaction.atomic():
            backend.bulk(documents)
            backend.delete(keys_to_delete)
    else:
        backend.bulk(documents)
        backend.delete(keys_to_delete)


def search_index_sync(
    *, source: str, ids: Iterable[int], backends: list[SearchBackend] | None = None
) -> dict:
    """Bring the documents of ``source`` ``ids`` up to date in every backend.

    Never raises: a backend that fails gets the ids queued in
    PendingIndexOperation (retried later) and the failure is logged.
    """
    ids = sorted({int(pk) for pk in ids})
    provider = provider_for(source)
    report = {"indexed": 0, "deleted": 0, "failed": []}
    if provider is None or not ids:
        if provider is None:
            logger.error("search sync: no provider called %r", source)
        return report
    try:
        by_id = provider.documents_for_ids(ids)
    except Exception as error:
        logger.exception("search sync: building %s documents failed", source)
        for backend in backends or active_backends():
            pending_record(source=source, ids=ids, backend=backend.name, error=error)
        report["failed"] = [b.name for b in backends or active_backends()]
        return report
    documents = [d for d in by_id.values() if d is not None]
    keys_to_delete = [document_key(source, pk) for pk, d in by_id.items() if d is None]
    for backend in backends or active_backends():
        try:
            _write(backend, documents, keys_to_delete)
        except (SearchEngineUnavailable, DatabaseError, OSError) as error:
            logger.warning(
                "search sync: %s failed for %s %s: %s", backend.name, source, ids, error
            )
            pending_record(source=source, ids=ids, backend=backend.name, error=error)
            report["failed"].append(backend.name)
        else:
            pending_clear(source=source, ids=ids, backend=backend.name)
            if not backends:
                search_pending_retry(backend_name=backend.name, limit=RETRY_BATCH)
    report["indexed"] = len(documents)
    report["deleted"] = len(keys_to_delete)
    return report


def search_index_remove(*, source: str, ids: Iterable[int]) -> None:
    """Remove documents whose objects are gone (post_delete)."""
    ids = sorted({int(pk) for pk in ids})
    keys = [document_key(source, pk) for pk in ids]
    for backend in active_backends():
        try:
            _write(backend, [], keys)
        except (SearchEngineUnavailable, DatabaseError, OSError) as error:
            logger.warning(
                "search remove: %s failed for %s: %s", backend.name, keys, error
            )
            pending_record(source=source, ids=ids, backend=backend.name, error=error)
        else:
            pending_clear(source=source, ids=ids, backend=backend.name)


def pending_record(*, source: str, ids: Iterable[int], backend: str, error) -> None:
    """Queue failed work; the queue lives in the database, so if the database
    itself fails we can only log."""
    message = f"{error.__class__.__name__}: {error}"[:1000]
    try:
        with transaction.atomic():
            for pk in ids:
                operation, created = PendingIndexOperation.objects.get_or_create(
                    source=source,
                    object_id=pk,
                    backend=backend,
                    defaults={"last_error": message},
                )
                if not created:
                    operation.attempts += 1
                    operation.last_error = message
                    operation.save(
                        update_fields=["attempts", "last_error", "updated_at"]
                    )
    except DatabaseError:
        logger.exception("search: could not queue %s %s for retry", source, list(ids))


def pending_clear(*, source: str, ids: Iterable[int], backend: str) -> None:
    try:
        PendingIndexOperation.objects.filter(
            source=source, object_id__in=list(ids), backend=backend
        ).delete()
    except DatabaseError:
        logger.exception("search: could not clear the retry queue")


def search_pending_retry(
    *,
    backend_name: str | None = None,
    limit: int = 1000,
    due_only: bool = False,
    now: datetime | None = None,
) -> dict:
    """Retry queued work (oldest first); returns {"retried", "failed"}.

    ``due_only`` (the scheduler's runs) backs off: an operation that failed n
    times waits 1, 2, 4 ... minutes (at most an hour) since its last attempt."""
    operations = PendingIndexOperation.objects.order_by("updated_at")
    if backend_name:
        operations = operations.filter(backend=backend_name)
    now = now or timezone.now()
    grouped: dict[tuple[str, str], list[int]] = defaultdict(list)
    for backend, source, object_id, attempts, updated_at in operations.values_list(
        "backend", "source", "object_id", "attempts", "updated_at"
    )[:limit]:
        if due_only and updated_at > now - retry_delay(attempts):
            continue
        grouped[(backend, source)].append(object_id)
    report = {"retried": 0, "failed": 0}
    for (backend, source), ids in grouped.items():
        try:
            target = get_search_backend(backend)
        except ValueError:
            PendingIndexOperation.objects.filter(backend=backend).delete()
            continue
        result = search_index_sync(source=source, ids=ids, backends=[target])
        if result["failed"]:
            report["failed"] += len(ids)
        else:
            report["retried"] += len(ids)
    return report


def index_after_commit(source: str, ids: Iterable[int]) -> None:
    """Queue indexing of ``ids`` once the current transaction commits (a rolled
    back transaction queues nothing)."""
    ids = sorted({int(pk) for pk in ids if pk is not None})
    if not ids:
        return

    def enqueue():
        from .tasks import search_index_task

        try:
            search_index_task.enqueue(source, ids)
        except Exception as error:
            logger.exception("search: could not enqueue indexing of %s %s", source, ids)
            for backend in active_backends():
                pending_record(
                    source=source, ids=ids, backend=backend.name, error=error
                )

    transaction.on_commit(enqueue, robust=True)


# Full rebuild ---------------------------------------------------------------


def documents_from_table(*, batch_size: int = 1000):
    """Engines are rebuilt from the database table, the source of truth."""
    for row in IndexedDocument.objects.order_by("pk").iterator(chunk_size=batch_size):
        yield row.as_search_document()


def search_reindex(
    *,
    backend_names: list[str] | None = None,
    progress_factory: Callable[[str, int], Callable[[int], None]] | None = None,
) -> list[ReindexResult]:
    """Rebuild the database table from every provider, then each engine from the
    table (the engine's alias is swapped only when its new index is complete).
    Work done meanwhile is caught up from the table afterwards."""
    targets = backend_names or [b.name for b in active_backends()]
    database = database_backend()
    results = []
    started = timezone.now()
    if database.name in targets:
        total = sum(provider.count() for provider in providers().values())
        progress = progress_factory(database.name, total) if progress_factory else None
        results.append(database.reindex(all_documents(), progress=progress))
        PendingIndexOperation.objects.filter(
            backend=database.name, updated_at__lt=started
        ).delete()
    for name in targets:
        if name == database.name:
            continue
        engine = get_search_backend(name)
        engine_started = timezone.now()
        total = IndexedDocument.objects.count()
        progress = progress_factory(name, total) if progress_factory else None
        results.append(engine.reindex(documents_from_table(), progress=progress))
        engine_catch_up(engine=engine, since=engine_started)
        PendingIndexOperation.objects.filter(
            backend=name, updated_at__lt=engine_started
        ).delete()
    return results


def engine_catch_up(*, engine: SearchBackend, since: datetime) -> dict:
    """Apply to ``engine`` what changed in the table since ``since``."""
    changed = IndexedDocument.objects.filter(updated_at__gte=since)
    engine.bulk(row.as_search_document() for row in changed.iterator())
    extra = engine.keys() - set(IndexedDocument.objects.values_list("key", flat=True))
    engine.delete(sorted(extra))
    return {"updated": changed.count(), "removed": len(extra)}


def search_status() -> list[dict]:
    """Documents expected (providers), in the database table, and in each engine."""
    rows = []
    database = database_backend()
    table_keys = database.keys()
    rows.append(
        {
            "backend": database.name,
            "documents": len(table_keys),
            "pending": PendingIndexOperation.objects.filter(
                backend=database.name
            ).count(),
            "status": database.health()["status"],
        }
    )
    for backend in active_backends()[1:]:
        health = backend.health()
        row = {"backend": backend.name, "status": health["status"]}
        try:
            engine_keys = backend.keys()
        except SearchEngineUnavailable as error:
            row.update(documents=None, error=str(error)[:200])
        else:
            row.update(
                documents=len(engine_keys),
                missing=len(table_keys - engine_keys),
                extra=len(engine_keys - table_keys),
            )
        row["pending"] = PendingIndexOperation.objects.filter(
            backend=backend.name
        ).count()
        rows.append(row)
    return rows


# Saved searches -------------------------------------------------------------


@transaction.atomic
def saved_search_create(
    *, user, name: str, query: SearchQuery, frequency: str
) -> SavedSearch:
    """Save a search; each member keeps at most
    ``settings.SAVED_SEARCHES_PER_MEMBER`` (every one is re-run for alerts)."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    limit = settings.SAVED_SEARCHES_PER_MEMBER
    if SavedSearch.objects.filter(user=user).count() >= limit:
        raise ValidationError(
            ngettext(
                "You can keep %(count)d saved search; delete one to save another.",
                "You can keep %(count)d saved searches; delete one to save another.",
                limit,
            )
            % {"count": limit},
            code="limit",
        )
    return SavedSearch.objects.create(
        user=user,
        name=name.strip()[:120],
        query_text=query.text,
        filters={k: list(v) for k, v in query.filters.items()},
        frequency=frequency,
        alerts_since=timezone.now(),
    )


@transaction.atomic
def saved_search_update(
    *, saved_search: SavedSearch, name: str, query_text: str, frequency: str
) -> SavedSearch:
    if frequency != saved_search.frequency and saved_search.frequency == (
        SavedSearch.Frequency.NEVER
    ):
        # Turning alerts back on: report what is new from now, not a backlog.
        saved_search.alerts_since = timezone.now()
        saved_search.last_checked_at = None
    saved_search.name = name.strip()[:120]
    saved_search.query_text = query_text
    saved_search.frequency = frequency
    saved_search.save()
    return saved_search


@transaction.atomic
def saved_search_delete(*, saved_search: SavedSearch) -> None:
    saved_search.delete()


@transaction.atomic
def saved_search_unsubscribe(*, saved_search: SavedSearch) -> SavedSearch:
    saved_search.frequency = SavedSearch.Frequency.NEVER
    saved_search.save(update_fields=["frequency", "updated_at"])
    return saved_search


UNSUBSCRIBE_SALT = "search.saved-search.unsubscribe"


def unsubscribe_token(saved_search: SavedSearch) -> str:
    return signing.dumps(
        {"s": saved_search.pk, "u": saved_search.user_id}, salt=UNSUBSCRIBE_SALT
    )


def saved_search_from_token(token: str) -> SavedSearch | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return SavedSearch.objects.filter(pk=data.get("s"), user_id=data.get("u")).first()


# Alerts ---------------------------------------------------------------------

ALERT_PERIODS = {
    SavedSearch.Frequency.INSTANT: timedelta(0),
    # A little slack so a cron run a few minutes early does not skip a day.
    SavedSearch.Frequency.DAILY: timedelta(days=1) - timedelta(minutes=30),
    SavedSearch.Frequency.WEEKLY: timedelta(days=7) - timedelta(minutes=30),
}
# Documents committed while the previous run was reading are caught next time;
# already-sent items are skipped, so the overlap never sends anything twice.
ALERT_OVERLAP = timedelta(hours=1)
ALERT_MAX_ITEMS = 20
ALERTS_LOCK_ID = 724_061_801  # pg advisory lock: one alert run at a time


@dataclass
class AlertReport:
    checked: int = 0
    emails: int = 0
    items: int = 0
    skipped_locked: bool = False
    errors: list[str] = field(default_factory=list)


def saved_searches_due(*, now: datetime, frequency: str | None = None):
    searches = SavedSearch.objects.exclude(
        frequency=SavedSearch.Frequency.NEVER
    ).filter(user__is_active=True)
    if frequency:
        searches = searches.filter(frequency=frequency)
    due = []
    for saved in searches.order_by("pk"):
        period = ALERT_PERIODS[saved.frequency]
        if saved.last_checked_at is None or saved.last_checked_at <= now - period:
            due.append(saved.pk)
    return due


def saved_search_new_items(*, saved_search: SavedSearch, now: datetime):
    """New documents matching the saved search that its owner may see now and
    has not been sent yet (newest first, at most ALERT_MAX_ITEMS + 1)."""
    since = saved_search.alerts_since
    if saved_search.last_checked_at:
        since = max(since, saved_search.last_checked_at - ALERT_OVERLAP)
    query = saved_search.search_query()
    query.sort = Sort.DATE
    query.indexed_after = since
    query.per_page = 50
    scope = search_scope_for_user(saved_search.user)
    results = database_backend().search(query, scope)
    sent = set(
        saved_search.alert_items.filter(
            document_key__in=[hit.key for hit in results.hits]
        ).values_list("document_key", flat=True)
    )
    return [hit for hit in results.hits if hit.key not in sent][: ALERT_MAX_ITEMS + 1]


def saved_search_alert_send(*, saved_search: SavedSearch, hits, now: datetime) -> None:
    user = saved_search.user
    shown = hits[:ALERT_MAX_ITEMS]
    token = unsubscribe_token(saved_search)
    unsubscribe_url = absolute_url(reverse("search_unsubscribe", args=[token]))
    # Kind labels and the subject in the reader's language.
    with recipient_language(user):
        context = {
            "saved_search": saved_search,
            "user": user,
            "items": [
                {
                    "title": hit.title,
                    "kind_label": hit.kind_label,
                    "url": absolute_url(hit.url),
                    "summary": hit.summary,
                }
                for hit in shown
            ],
            "more": len(hits) > len(shown),
            "search_url": absolute_url(saved_search.get_search_url()),
            "manage_url": absolute_url(reverse("saved_search_list")),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = _("New results for your saved search “%(name)s”") % {
            "name": saved_search.name
        }
    mail_queue(
        template="search/saved_search_alert",
        subject=subject,
        to=user.email,
        context=context,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def saved_search_alerts_send(
    *, frequency: str | None = None, now: datetime | None = None
) -> AlertReport:
    """Email every due saved search its new items. Safe under cron: one run at
    a time (advisory lock), each saved search locked while it is handled, items
    recorded in the same transaction as the email is sent."""
    now = now or timezone.now()
    report = AlertReport()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ALERTS_LOCK_ID])
        if not cursor.fetchone()[0]:
            report.skipped_locked = True
            return report
    try:
        for pk in saved_searches_due(now=now, frequency=frequency):
            try:
                _alert_one(pk, now, report)
            except Exception as error:
                logger.exception("search alert for saved search %s failed", pk)
                report.errors.append(f"{pk}: {error}")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ALERTS_LOCK_ID])
    return report


def _alert_one(pk: int, now: datetime, report: AlertReport) -> None:
    with transaction.atomic():
        saved = (
            SavedSearch.objects.select_for_update(skip_locked=True)
            .select_related("user")
            .filter(pk=pk)
            .first()
        )
        if saved is None or saved.frequency == SavedSearch.Frequency.NEVER:
            return
        report.checked += 1
        hits = saved_search_new_items(saved_search=saved, now=now)
        if hits and saved.user.is_active:
            SavedSearchAlertItem.objects.bulk_create(
                [
                    SavedSearchAlertItem(
                        saved_search=saved, document_key=hit.key, sent_at=now
                    )
                    for hit in hits[:ALERT_MAX_ITEMS]
                ],
                ignore_conflicts=True,
            )
            fan_out_after_commit(
                kind=Kind.SAVED_SEARCH,
                verb="saved_search",
                target="search.saved_search",
                target_id=saved.pk,
                recipient_ids=[saved.user_id],
                key=f"saved_search:{saved.pk}:{now.isoformat()}",
            )
            if email_wanted(saved.user, Kind.SAVED_SEARCH):
                saved_search_alert_send(saved_search=saved, hits=hits, now=now)
                report.emails += 1
            saved.last_alert_at = now
            report.items += min(len(hits), ALERT_MAX_ITEMS)
        saved.last_checked_at = now
        saved.save(update_fields=["last_alert_at", "last_checked_at"])
