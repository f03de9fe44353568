"""The one mail path: render, queue in the outbox, send from the worker.

``mail_queue`` renders ``templates/emails/<app>/<name>.txt`` (and ``.html`` and
``_subject.txt`` when they exist) in the recipient's language (once per
language in a batch; see languages.mail for lazy subjects) and stores one
``OutboxMessage`` per recipient in the caller's transaction; after commit a
task sends what is due. ``OutboxBackend`` (the ``EMAIL_BACKEND``) does the same
for mail written by Django, Wagtail and allauth. A user's action therefore
never waits for, or fails because of, the mail server.

Sending (``outbox_send_due``): rows are claimed with ``SKIP LOCKED`` and marked
``sending``, so two workers never take the same message; every batch shares one
SMTP connection; a message is marked ``sent`` as soon as the server accepted
it; failures are retried with exponential back-off and give up (``failed``)
after ``OUTBOX_MAX_ATTEMPTS``.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, transaction
from django.db.models import F
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from .links import site_domain

logger = logging.getLogger(__name__)

# Headers we let callers set; everything else is built by us.
ALLOWED_HEADERS = {"List-Unsubscribe", "List-Unsubscribe-Post", "Reply-To"}
CLAIM_TIMEOUT = timedelta(minutes=10)

_batch = threading.local()


def _one_line(text: str) -> str:
    """Subjects and header values never carry line breaks (no header injection)."""
    return " ".join(str(text).split())


def _clean_headers(headers: dict | None) -> dict:
    return {
        name: _one_line(value)
        for name, value in (headers or {}).items()
        if name in ALLOWED_HEADERS and value
    }


def _render_optional(name: str, context: dict) -> str:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return ""
    return render_to_string(name, context)


def mail_queue(
    *,
    template: str,
    to,
    context: dict | None = None,
    subject: str | None = None,
    headers: dict | None = None,
    language: str | None = None,
    from_email: str | None = None,
) -> int:
    """Queue one email per address in ``to`` (a string or a list; blanks and
    duplicates dropped; nobody sees the others). ``template`` is
    ``"<app>/<name>"`` below ``templates/emails/``. Returns how many were queued."""
    from .models import OutboxMessage

    addresses = [to] if isinstance(to, str) else list(to)
    addresses = sorted({address.strip() for address in addresses if address})
    if not addresses:
        return 0
    context = dict(context or {})
    base = f"emails/{template}"
    # Each recipient reads their own language: one rendering per language.
    if language:
        by_language = {language: addresses}
    else:
        from languages.mail import addresses_by_language

        by_language = addresses_by_language(addresses)
    rows = []
    for language_code, language_addresses in by_language.items():
        with translation.override(language_code):
            text_subject = (
                render_to_string(f"{base}_subject.txt", context)
                if subject is None
                else str(subject)
            )
            text = render_to_string(f"{base}.txt", context)
            html = _render_optional(f"{base}.html", context)
        text_subject = _one_line(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _one_line(text_subject)
        )
        rows += [
            OutboxMessage(
                to_email=address,
                from_email=from_email or settings.DEFAULT_FROM_EMAIL,
                subject=text_subject[:998],
                body_text=text,
                body_html=html,
                headers=_clean_headers(headers),
                template=template,
            )
            for address in language_addresses
        ]
    if getattr(_batch, "depth", 0):
        # A fan-out: the rows are written together when the batch ends.
        _batch.rows = [*getattr(_batch, "rows", []), *rows]
    else:
        OutboxMessage.objects.bulk_create(rows)
    outbox_flush_after_commit()
    return len(rows)


def _enqueue_send() -> None:
    from .tasks import outbox_send

    try:
        outbox_send.enqueue()
    except Exception:
        logger.exception("outbox: could not enqueue the send task")


def outbox_flush_after_commit() -> None:
    """Ask the worker to send once the transaction commits (nothing if it
    rolls back). Inside ``mail_batch()`` this happens once, at its end."""
    if getattr(_batch, "depth", 0):
        _batch.queued = True
        return
    transaction.on_commit(_enqueue_send, robust=True)


@contextmanager
def mail_batch():
    """Queue many emails (a fan-out) and ask for one send at the end."""
    from .models import OutboxMessage

    _batch.depth = getattr(_batch, "depth", 0) + 1
    try:
        yield
    finally:
        _batch.depth -= 1
        if not _batch.depth and getattr(_batch, "rows", None):
            rows, _batch.rows = _batch.rows, []
            OutboxMessage.objects.bulk_create(rows)
        if not _batch.depth and getattr(_batch, "queued", False):
            _batch.queued = False
            transaction.on_commit(_enqueue_send, robust=True)


class OutboxBackend(BaseEmailBackend):
    """EMAIL_BACKEND for mail written by others (allauth, Wagtail, error
    reports): it only queues. If the database itself is down (an error report
    about that, say), the message goes straight to the transport."""

    def send_messages(self, email_messages):
        from .models import OutboxMessage

        rows = []
        for message in email_messages:
            html = ""
            for content, mimetype in getattr(message, "alternatives", []) or []:
                if mimetype == "text/html":
                    html = content
            if message.attachments:
                logger.warning("outbox: attachments of %r dropped", message.subject)
            for address in message.recipients():
                rows.append(
                    OutboxMessage(
                        to_email=address,
                        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
                        subject=_one_line(message.subject)[:998],
                        body_text=message.body,
                        body_html=html,
                        headers=_clean_headers(message.extra_headers),
                    )
                )
        try:
            with transaction.atomic():
                OutboxMessage.objects.bulk_create(rows)
        except DatabaseError:
            logger.exception("outbox: database unavailable, sending directly")
            connection = get_connection(settings.EMAIL_TRANSPORT, fail_silently=True)
            return connection.send_messages(email_messages) or 0
        outbox_flush_after_commit()
        return len(email_messages)


# Sending ----------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def _claim(limit: int) -> list:
    from .models import OutboxMessage

    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxMessage.objects.filter(pk__in=ids).update(
            status=OutboxMessage.Status.SENDING, claimed_at=now
        )
    return list(OutboxMessage.objects.filter(pk__in=ids).order_by("pk"))


def _failed(message, error: Exception) -> None:
    from .models import OutboxMessage

    attempts = message.attempts + 1
    give_up = attempts >= settings.OUTBOX_MAX_ATTEMPTS
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.FAILED if give_up else OutboxMessage.Status.PENDING,
        attempts=attempts,
        last_error=f"{error.__class__.__name__}: {error}"[:2000],
        next_attempt_at=timezone.now() + retry_delay(attempts),
        claimed_at=None,
    )


def _email(message) -> EmailMultiAlternatives:
    headers = dict(message.headers)
    headers["Message-ID"] = f"<outbox-{message.pk}@{site_domain()}>"
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email,
        to=[message.to_email],
        headers=headers,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


def _send_batch(batch: list) -> tuple[int, int]:
    from .models import OutboxMessage

    sent = failed = 0
    delivered = []
    connection = get_connection(settings.EMAIL_TRANSPORT, fail_silently=False)
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 - the server is down: retry later
        logger.warning("outbox: mail server unavailable: %s", error)
        for message in batch:
            _failed(message, error)
        return 0, len(batch)
    try:
        for index, message in enumerate(batch):
            try:
                connection.send_messages([_email(message)])
            except Exception as error:  # noqa: BLE001 - recorded on the message
                logger.warning("outbox: message %s failed: %s", message.pk, error)
                _failed(message, error)
                failed += 1
                if isinstance(error, OSError):  # connection lost: stop this batch
                    for rest in batch[index + 1 :]:
                        _failed(rest, error)
                        failed += 1
                    break
                continue
            delivered.append(message.pk)
            sent += 1
    finally:
        # One statement marks what the batch delivered as sent.
        if delivered:
            OutboxMessage.objects.filter(pk__in=delivered).update(
                status=OutboxMessage.Status.SENT,
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
                last_error="",
                claimed_at=None,
            )
        try:
            connection.close()
        except Exception:
            logger.debug("outbox: closing the connection failed", exc_info=True)
    return sent, failed


def outbox_send_due(*, limit: int | None = None, max_batches: int = 50) -> dict:
    """Send every message that is due, batch by batch (one connection each)."""
    limit = limit or settings.OUTBOX_BATCH_SIZE
    report = {"sent": 0, "failed": 0}
    for _ in range(max_batches):
        batch = _claim(limit)
        if not batch:
            break
        sent, failed = _send_batch(batch)
        report["sent"] += sent
        report["failed"] += failed
        if failed and not sent:
            break  # the server is down: the back-off decides when to try again
    return report


def outbox_recover(*, now=None) -> int:
    """Messages claimed by a worker that died go back to the queue."""
    from .models import OutboxMessage

    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    ).update(status=OutboxMessage.Status.PENDING, claimed_at=None)
