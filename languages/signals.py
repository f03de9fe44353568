from allauth.account.signals import user_signed_up
from django.dispatch import receiver
from django.utils import translation

from .selectors import supported_language
from .services import language_preference_set


@receiver(user_signed_up)
def remember_signup_language(sender, request, user, **kwargs):
    """Someone who signs up in French gets their emails in French."""
    language = supported_language(translation.get_language())
    if language:
        language_preference_set(user=user, language=language)
