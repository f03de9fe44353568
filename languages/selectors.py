from django.conf import settings
from django.utils import translation

from .models import LanguagePreference


def supported_language(code: str | None) -> str | None:
    """The portal language for ``code`` (``fr-CA`` -> ``fr``), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def preferred_language(user) -> str | None:
    """A member's chosen language, or None when they never chose one."""
    if user is None or not getattr(user, "pk", None):
        return None
    try:
        return supported_language(user.language_preference.language)
    except LanguagePreference.DoesNotExist:
        return None


def language_for(user) -> str:
    """The language to write to ``user`` in: their choice, else the default."""
    return preferred_language(user) or settings.LANGUAGE_CODE


def languages_for_emails(addresses: list[str]) -> dict[str, str]:
    """Address -> language for the members behind ``addresses`` (one query).
    Addresses of people without an account are left out."""
    from django.contrib.auth import get_user_model

    lowered = {address.lower(): address for address in addresses}
    rows = (
        get_user_model()
        .objects.filter(email__in=list(lowered.values()))
        .values_list("email", "language_preference__language")
    )
    found = {}
    for email, language in rows:
        address = lowered.get(email.lower())
        if address:
            found[address] = supported_language(language) or settings.LANGUAGE_CODE
    return found
