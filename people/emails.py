"""Mentoring emails, in the codebase's one pattern (working_groups.emails):
plain text rendered from templates/emails/people/, queued after commit."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from languages.mail import addresses_by_language


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def email_send(*, template: str, recipients: list[str], context: dict) -> None:
    """One email per recipient; the subject comes from ``<template>_subject.txt``."""
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    messages = []
    # Each recipient reads their own language: one rendering per language.
    for language, addresses in addresses_by_language(recipients).items():
        with translation.override(language):
            subject = render_to_string(f"emails/people/{template}_subject.txt", context)
            body = render_to_string(f"emails/people/{template}.txt", context)
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
        messages += [
            (subject, body, settings.DEFAULT_FROM_EMAIL, [address])
            for address in addresses
        ]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
