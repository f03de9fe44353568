import hashlib
import logging
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import caches
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .sitemaps import SITEMAPS

logger = logging.getLogger(__name__)

# How long crawlers and proxies may keep a sitemap page.
SITEMAP_MAX_AGE = 900

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
            "sitemap_url": request.build_absolute_uri(reverse("crawlers:sitemap")),
        },
        content_type="text/plain; charset=utf-8",
    )


def _sitemaps(request) -> dict:
    return {name: section(request) for name, section in SITEMAPS.items()}


def _cached(request, build) -> HttpResponse:
    """The sitemap response from the visitors' page cache when it is on (purged
    with it on every publish, unpublish, move and forum change), else built.
    Always in the default language: a sitemap is the same for every client."""
    cache = caches["pages"] if settings.PAGE_CACHE_SECONDS > 0 else None
    raw = "|".join([request.scheme, request.get_host(), request.get_full_path()])
    key = "sitemap:" + hashlib.sha256(raw.encode()).hexdigest()
    stored = None
    if cache is not None:
        try:
            stored = cache.get(key)
        except Exception:
            logger.warning("sitemap cache unavailable", exc_info=True)
    if stored is None:
        with translation.override(settings.LANGUAGE_CODE):
            response = build()
            if hasattr(response, "render"):
                response.render()
        if response.status_code != 200:
            return response
        stored = (response.content, dict(response.items()))
        if cache is not None:
            try:
                cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("sitemap cache: store failed", exc_info=True)
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    patch_cache_control(response, public=True, max_age=SITEMAP_MAX_AGE)
    return response


@require_GET
def sitemap_index(request):
    """/sitemap.xml: the sections and their pages (Django's sitemap index)."""
    return _cached(
        request,
        lambda: sitemap_views.index(
            request, _sitemaps(request), sitemap_url_name="crawlers:sitemap_section"
        ),
    )


def _urlset(urls) -> bytes:
    """A sitemap page (the protocol's <urlset>), written directly: Django's
    template costs about 0.1 ms per URL, most of a 5,000-URL page."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    ]
    for url in urls:
        lastmod = url["lastmod"]
        when = (
            f"<lastmod>{lastmod.isoformat(timespec='seconds')}</lastmod>"
            if lastmod
            else ""
        )
        parts.append(f"<url><loc>{escape(url['location'])}</loc>{when}</url>\n")
    parts.append("</urlset>\n")
    return "".join(parts).encode()


def _section_page(request, section) -> HttpResponse:
    sitemap_class = SITEMAPS.get(section)
    if sitemap_class is None:
        raise Http404("No such sitemap")
    sitemap = sitemap_class(request)
    try:
        urls = sitemap.get_urls(
            page=request.GET.get("p", 1),
            site=get_current_site(request),
            protocol=request.scheme,
        )
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such sitemap page") from None
    response = HttpResponse(_urlset(urls), content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    if sitemap.latest_lastmod is not None:
        response["Last-Modified"] = http_date(sitemap.latest_lastmod.timestamp())
    return response


@require_GET
def sitemap_section(request, section):
    """/sitemap-<section>.xml?p=N: one page of a section."""
    return _cached(request, lambda: _section_page(request, section))
