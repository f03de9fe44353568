"""The scheduler: APScheduler triggers, one run per job and interval.

Intervals live in ``settings.PORTAL_SCHEDULE`` (seconds). Every trigger fires
on the interval's boundary (counted from the Unix epoch), claims the slot in
``ScheduledRun`` (unique per job and slot) and enqueues the job for the worker.
Two schedulers started side by side (a second host, a restart that overlaps)
claim the same slot: one wins, the other skips.
"""

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Job name -> function (dotted path, so the core imports no app).
JOBS = {
    "publish_scheduled": "portal.jobs.publish_scheduled",
    "outbox_send": "portal.jobs.outbox_send",
    "search_retry": "portal.jobs.search_retry",
    "task_recover": "portal.jobs.task_recover",
    "saved_search_alerts": "portal.jobs.saved_search_alerts",
    "forum_digests": "portal.jobs.forum_digests",
    "clearsessions": "portal.jobs.clearsessions",
    "queue_cleanup": "portal.jobs.queue_cleanup",
    "notification_digests": "portal.jobs.notification_digests",
}

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def schedule_slot(*, interval: int, now: datetime) -> int:
    return int(now.timestamp() // interval)


def schedule_tick(name: str, *, now: datetime | None = None) -> bool:
    """Claim this interval's run of ``name`` and queue it; False if another
    scheduler already did."""
    from .models import ScheduledRun
    from .tasks import scheduled_job

    now = now or timezone.now()
    slot = schedule_slot(interval=settings.PORTAL_SCHEDULE[name], now=now)
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=name, slot=slot)
            transaction.on_commit(lambda: scheduled_job.enqueue(name))
    except IntegrityError:
        return False
    logger.info("scheduled %s (slot %s)", name, slot)
    return True


def _scheduler_tick(name: str) -> None:
    """The trigger's callback in the scheduler's thread: fresh connections
    (the database may have restarted since the last tick), never an exception."""
    close_old_connections()
    try:
        schedule_tick(name)
    except Exception:
        logger.exception("scheduler: could not queue %s", name)
    finally:
        close_old_connections()


def job_run(name: str) -> str:
    """Run a scheduled job (in the worker); its result, summarised."""
    result = import_string(JOBS[name])()
    return str(result)[:1000]


def scheduler_build(scheduler_class=BackgroundScheduler, schedule=None):
    """A scheduler with one trigger per job of ``schedule`` (default: the
    settings), aligned on interval boundaries."""
    scheduler = scheduler_class(timezone=UTC)
    for name, interval in (schedule or settings.PORTAL_SCHEDULE).items():
        if name not in JOBS:
            raise ValueError(f"Unknown scheduled job {name!r}")
        scheduler.add_job(
            _scheduler_tick,
            IntervalTrigger(seconds=interval, start_date=EPOCH, timezone=UTC),
            args=[name],
            id=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(interval // 2, 1),
        )
    return scheduler
