"""The background worker: django-tasks-db's db_worker, plus a liveness lock so
tasks of a worker that died are run again (see portal.workers)."""

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from portal.workers import worker_liveness_hold


class Command(DBWorkerCommand):
    help = "Run the background worker (tasks and the mail outbox)."

    def handle(self, *args, **options):
        # Held for the life of the process; released by PostgreSQL on exit.
        self._liveness = worker_liveness_hold(options["worker_id"])
        return super().handle(*args, **options)
