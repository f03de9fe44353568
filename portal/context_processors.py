from django.urls import NoReverseMatch, reverse
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
    items = [
        {"label": label, "url": url, "current": path.startswith(url)}
        for label, url in NAVIGATION
    ]
    try:
        search_url = reverse("search")
    except NoReverseMatch:
        search_url = "/search/"
    return {"main_navigation": items, "search_url": search_url}
