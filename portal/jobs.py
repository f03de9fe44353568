"""The scheduled jobs (see portal.scheduler and settings.PORTAL_SCHEDULE).
Each is safe to run twice: the work it finds is claimed or recorded."""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string


def publish_scheduled():
    call_command("publish_scheduled", verbosity=0)
    return "ok"


def clearsessions():
    call_command("clearsessions")
    return "ok"


def outbox_send():
    from .mail import outbox_send_due

    return outbox_send_due()


def search_retry():
    return import_string("search.services.search_pending_retry")(due_only=True)


def task_recover():
    from .mail import outbox_recover
    from .workers import tasks_recover

    return {"tasks": tasks_recover(), "mail": outbox_recover()}


def saved_search_alerts():
    from .mail import mail_batch

    with mail_batch():
        report = import_string("search.services.saved_search_alerts_send")()
    return {"emails": report.emails, "errors": len(report.errors)}


def forum_digests():
    from .mail import mail_batch

    with mail_batch():
        return import_string("forums.notifications.digests_send")()


def notification_digests():
    from .mail import mail_batch

    with mail_batch():
        return import_string("notifications.services.notification_digests_send")()


def queue_cleanup(*, now=None):
    """Forget finished tasks, sent mail and schedule runs after the retention
    period (failed mail stays for staff to read)."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .models import OutboxMessage, ScheduledRun

    now = now or timezone.now()
    before = now - timedelta(days=settings.QUEUE_RETENTION_DAYS)
    tasks, _ = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=before,
    ).delete()
    mail, _ = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENT, sent_at__lt=before
    ).delete()
    runs, _ = ScheduledRun.objects.filter(started_at__lt=before).delete()
    return {"tasks": tasks, "mail": mail, "runs": runs}
