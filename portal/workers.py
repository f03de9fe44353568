"""Worker liveness, so a task whose worker died runs again.

Each worker (`manage.py run_worker`) holds a PostgreSQL advisory lock derived
from its id on a connection of its own for as long as the process lives. When
the process dies, however it dies, PostgreSQL drops the session and the lock.
``tasks_recover`` puts every task still marked running by a worker whose lock is
free back in the queue. Tasks must therefore be idempotent (ours are: they
work from ids and record what they did).
"""

import logging
import zlib

from django.db import connection, connections

logger = logging.getLogger(__name__)

LOCK_NAMESPACE = 0x7A5C  # advisory lock class of worker ids


def worker_lock_key(worker_id: str) -> int:
    """A signed 32-bit key for the two-key form of pg_advisory_lock."""
    value = zlib.crc32(worker_id.encode())
    return value - 2**32 if value >= 2**31 else value


def worker_liveness_hold(worker_id: str):
    """Take the worker's lock on a dedicated connection and return it (keep a
    reference for the life of the process)."""
    holder = connections.create_connection("default")
    with holder.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_lock(%s, %s)",
            [LOCK_NAMESPACE, worker_lock_key(worker_id)],
        )
    return holder


def worker_is_alive(worker_id: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_lock(%s, %s)",
            [LOCK_NAMESPACE, worker_lock_key(worker_id)],
        )
        free = cursor.fetchone()[0]
        if free:
            cursor.execute(
                "SELECT pg_advisory_unlock(%s, %s)",
                [LOCK_NAMESPACE, worker_lock_key(worker_id)],
            )
    return not free


def tasks_recover() -> int:
    """Requeue tasks left running by dead workers; returns how many."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    recovered = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    for result_id, worker_ids in running.values_list("id", "worker_ids"):
        if worker_ids and worker_is_alive(worker_ids[-1]):
            continue
        recovered += DBTaskResult.objects.filter(
            id=result_id, status=TaskResultStatus.RUNNING
        ).update(status=TaskResultStatus.READY, started_at=None)
        logger.warning("task %s was left running by a dead worker: requeued", result_id)
    return recovered
