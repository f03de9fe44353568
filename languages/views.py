from django.conf import settings
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .services import language_preference_set


@require_POST
def language_set(request):
    """The language switcher: Django's set_language (cookie, and the same page
    under the new language's URL), remembered on a member's profile too."""
    # Django resolves `next` to put it in the new language; with Wagtail's
    # catch-all that only works from the language `next` is written in.
    next_url = request.POST.get("next", "")
    translation.activate(
        translation.get_language_from_path(next_url) or settings.LANGUAGE_CODE
    )
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        language_preference_set(user=request.user, language=language)
    return response
