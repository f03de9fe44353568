"""Linked translations of pages, with Wagtail's own TranslatableMixin: pages
that are translations of each other share a ``translation_key`` and each has
the Wagtail ``Locale`` of its language. The page tree stays one tree (every
page keeps its own URL), so a resource in French and its English original
both live in the library; only the link between them is Wagtail's."""

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale

from .selectors import supported_language


def content_language(code: str) -> str | None:
    """The portal language of an ISO 639-1 code (``zh`` -> ``zh-hans``)."""
    if code == "zh":
        return "zh-hans"
    language = supported_language(code)
    return language if language in dict(settings.LANGUAGES) else None


def reader_content_language() -> str:
    """The ISO 639-1 code of the reader's language for content (``zh`` for
    Chinese), or "" for the default language."""
    from django.utils import translation

    language = translation.get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return ""
    return language.split("-")[0]


def locale_for(code: str) -> Locale | None:
    language = content_language(code)
    if language is None:
        return None
    return Locale.objects.get_or_create(language_code=language)[0]


@transaction.atomic
def page_translation_link(*, original, translation, language: str) -> None:
    """Record ``translation`` (written in ``language``) as a translation of
    ``original``. The original keeps, or is given, the locale of its own
    language."""
    target = locale_for(language)
    if target is None:
        raise ValueError(f"{language} is not one of the portal's languages")
    type(translation).objects.filter(pk=translation.pk).update(
        translation_key=original.translation_key, locale=target
    )
    translation.translation_key, translation.locale = original.translation_key, target


def page_translations(page):
    """The live pages that translate ``page`` (not ``page`` itself)."""
    return (
        page.specific_class.objects.live()
        .filter(translation_key=page.translation_key)
        .exclude(pk=page.pk)
        .order_by("locale__language_code")
    )
