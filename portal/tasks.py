"""Background work of the core: sending the outbox and running scheduled jobs.

Tasks take ids or names, never instances; the worker (`manage.py run_worker`)
runs them from the database queue."""

from django_tasks import task


@task()
def outbox_send() -> dict:
    from .mail import outbox_send_due

    return outbox_send_due()


@task()
def scheduled_job(name: str) -> str:
    from .scheduler import job_run

    return job_run(name)
