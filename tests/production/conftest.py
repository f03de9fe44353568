"""The real queue and a real mail server for the fault tests.

These tests commit (transactional tests): the action's transaction commits,
its on-commit work enqueues rows in django-tasks-db's table, and the worker's
own code (django_tasks_db's Worker) runs them.
"""

import pytest
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from portal.scheduler import schedule_tick

from .processes import SmtpServer


def run_worker(worker_id: str = "test-worker") -> None:
    """Run every task that is ready, as `manage.py run_worker --batch` would."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def run_job(name: str, *, now=None) -> bool:
    """What the scheduler does at an interval's boundary, then the worker."""
    claimed = schedule_tick(name, now=now or timezone.now())
    run_worker()
    return claimed


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def real_queue(settings, smtp):
    """The database task backend and SMTP to ``smtp`` (not started: the mail
    server is down until a test starts it)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default"],
        }
    }
    settings.EMAIL_TRANSPORT = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    return smtp
