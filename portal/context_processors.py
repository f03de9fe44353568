from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

NAVIGATION = [
    (_("Working groups"), "/working-groups/"),
    (_("Knowledge library"), "/knowledge/"),
    (_("Lessons learned"), "/lessons-learned/"),
    (_("Events"), "/events/"),
    (_("Forums"), "/forums/"),
    (_("Countries"), "/countries/"),
    (_("People"), "/people/"),
]


def navigation(request):
    """Main navigation, with the current section marked for aria-current."""
    path = getattr(request, "path", "")
    # English pages have no language prefix; the others keep theirs.
    language = get_language() or settings.LANGUAGE_CODE
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    items = [
        {"label": label, "url": prefix + url, "current": path.startswith(prefix + url)}
        for label, url in NAVIGATION
    ]
    try:
        search_url = reverse("search")
    except NoReverseMatch:
        search_url = "/search/"
    return {
        "main_navigation": items,
        "search_url": search_url,
        "home_url": prefix + "/",
    }
