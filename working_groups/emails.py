"""Plain-text notification emails; always sent after the transaction commits."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from languages.mail import addresses_by_language


def absolute_url(path: str) -> str:
    """Links in emails point at the public site address (SITE_URL)."""
    if not path:
        return ""
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def email_send(*, template: str, subject: str, recipients: list[str], context: dict):
    """Queue one email per recipient (nobody sees the others' addresses)."""
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    messages = []
    # One rendering per language: each recipient reads their own.
    for language, addresses in addresses_by_language(recipients).items():
        with translation.override(language):
            body = render_to_string(f"working_groups/emails/{template}.txt", context)
            text = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}"
        messages += [
            (text, body, settings.DEFAULT_FROM_EMAIL, [address])
            for address in addresses
        ]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
