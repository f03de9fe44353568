from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import LanguagePreference


@transaction.atomic
def language_preference_set(*, user, language: str) -> LanguagePreference:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": f"Unknown language: {language}"})
    preference, _created = LanguagePreference.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return preference
