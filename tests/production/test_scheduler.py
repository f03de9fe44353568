"""The scheduler runs each job once per interval, however many schedulers run."""

from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from django.conf import settings
from django.db import connection
from django.utils import timezone

from portal.models import ScheduledRun
from portal.scheduler import JOBS, job_run, schedule_tick, scheduler_build

from .processes import wait_until

START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def test_every_configured_job_exists_and_every_job_has_an_interval():
    assert set(settings.PORTAL_SCHEDULE) == set(JOBS)
    assert all(seconds >= 60 for seconds in settings.PORTAL_SCHEDULE.values())


@pytest.mark.django_db
def test_two_schedulers_ticking_in_the_same_interval_run_the_job_once(
    django_capture_on_commit_callbacks,
):
    interval = settings.PORTAL_SCHEDULE["outbox_send"]
    with django_capture_on_commit_callbacks(execute=True) as queued:
        first = schedule_tick("outbox_send", now=START)
        second = schedule_tick("outbox_send", now=START + timedelta(seconds=1))
        next_interval = schedule_tick(
            "outbox_send", now=START + timedelta(seconds=interval)
        )

    assert (first, second, next_interval) == (True, False, True)
    assert len(queued) == 2  # one task per interval
    assert ScheduledRun.objects.filter(job="outbox_send").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_real_schedulers_side_by_side_run_each_interval_once(settings):
    """Two APScheduler instances with a two-second job: every interval is
    claimed once, and the job queued exactly once per interval."""
    settings.PORTAL_SCHEDULE = {"outbox_send": 2}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    from django_tasks_db.models import DBTaskResult

    schedulers = [scheduler_build(BackgroundScheduler) for _ in range(2)]
    for scheduler in schedulers:
        scheduler.start()
    try:
        wait_until(
            lambda: ScheduledRun.objects.filter(job="outbox_send").count() >= 3,
            what="three intervals",
        )
    finally:
        for scheduler in schedulers:
            scheduler.shutdown(wait=True)
        connection.close()

    slots = list(
        ScheduledRun.objects.filter(job="outbox_send").values_list("slot", flat=True)
    )
    assert len(slots) == len(set(slots))
    queued = DBTaskResult.objects.filter(task_path="portal.tasks.scheduled_job")
    assert queued.count() == len(slots)


@pytest.mark.django_db
def test_every_job_runs_in_the_worker_without_error():
    for name in settings.PORTAL_SCHEDULE:
        assert isinstance(job_run(name), str), name


@pytest.mark.django_db
def test_a_page_scheduled_for_publication_goes_live_when_its_job_runs(home_page):
    from django.utils import timezone
    from freezegun import freeze_time

    from tests.factories.events import EventFactory

    event = EventFactory(title="Scheduled webinar")
    event.unpublish()
    event.go_live_at = timezone.now() + timedelta(hours=1)
    event.save_revision().publish()
    event.refresh_from_db()
    assert not event.live

    with freeze_time(timezone.now() + timedelta(hours=2)):
        job_run("publish_scheduled")

    event.refresh_from_db()
    assert event.live


@pytest.mark.django_db
def test_the_search_retry_job_backs_off_after_each_failure(settings):
    """A queued engine write failing again waits longer each time."""
    from search.models import PendingIndexOperation
    from search.services import search_pending_retry

    settings.PORTAL_SEARCH_BACKENDS = {
        **settings.PORTAL_SEARCH_BACKENDS,
        "opensearch": {
            "BACKEND": "search.backends.elasticsearch.OpenSearchSearchBackend",
            "URL": "http://127.0.0.1:9",  # nothing listens on the discard port
            "INDEX_PREFIX": "backoff",
            "TIMEOUT": 0.5,
        },
    }
    PendingIndexOperation.objects.create(
        source="forums.thread", object_id=1, backend="opensearch", attempts=3
    )
    just_failed = timezone.now()

    soon = search_pending_retry(due_only=True, now=just_failed + timedelta(minutes=2))
    later = search_pending_retry(due_only=True, now=just_failed + timedelta(minutes=5))

    assert soon == {"retried": 0, "failed": 0}  # 3 failures: wait 4 minutes
    assert later == {"retried": 0, "failed": 1}
    assert PendingIndexOperation.objects.get().attempts == 4
