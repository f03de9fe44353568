from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from .sitemaps import SITEMAPS

# Where crawlers have nothing to find: accounts, administration, search results,
# moderation and members' own pages. Kept in step with the URL map of the README.
DISALLOWED = [
    "/accounts/",
    "/admin/",
    "/django-admin/",
    "/search/",
    "/api/search/",
    "/knowledge/submit/",
    "/knowledge/moderation/",
    "/knowledge/my-submissions/",
    "/working-groups/*/moderation/",
    "/working-groups/*/members/",
    "/forums/moderation/",
    "/forums/*/moderation/",
    "/forums/settings/",
    "/notifications/",
    "/people/",
]


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    return render(
        request,
        "crawlers/robots.txt",
        {
            "disallowed": DISALLOWED,
            "sitemap_url": request.build_absolute_uri("/sitemap.xml"),
        },
        content_type="text/plain; charset=utf-8",
    )


@require_GET
def sitemap(request):
    return wagtail_sitemap(request, sitemaps=SITEMAPS)
