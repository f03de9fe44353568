"""/sitemap.xml: an index of sections (``/sitemap-pages.xml``,
``/sitemap-threads.xml``), each split into pages of ``SECTION_LIMIT`` URLs
(``?p=2``...), listing only what a visitor may read (the apps' own selectors).

Built in a constant number of queries per sitemap page, whatever the size of
the portal: rows are read as plain values (ids, paths, slugs, dates), URLs are
built from the columns and the per-process index paths (``portal.page_paths``),
never by loading pages or looking up a parent per item, and ``lastmod`` comes
from the columns (the index takes each section's latest in one aggregate).
"""

from urllib.parse import quote

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Max
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.models import Page, Site

from forums.models import Thread
from forums.selectors import readable_forums_q
from knowledge.models import ResourcePage
from knowledge.models.pages import _knowledge_index_path
from portal.page_paths import site_root_paths
from working_groups.models import EventPage, Visibility, WorkingGroupPage
from working_groups.models.events import event_index_path
from working_groups.selectors import event_visibility_q, group_list

# URLs per sitemap page: well under the protocol's 50,000 (and 50 MB), so one
# page is cheap to build; larger sections are split into ``?p=`` pages.
SECTION_LIMIT = 5000

# What Wagtail's reverse("wagtail_serve") leaves unquoted in a page path.
_PATH_SAFE = "!$&'()*+,;=/~:@"


class _SiteSitemap(Sitemap):
    """A section of the sitemap of the request's Wagtail site: locations on the
    site's own root URL, built by ``path_for`` from a row of values.

    A sitemap page reads its rows in one statement (no count: a page past the
    end is found empty); the index reads each section's size and latest
    ``lastmod`` in one aggregate."""

    limit = SECTION_LIMIT

    def __init__(self, request=None):
        self.request = request
        self._site = None

    def wagtail_site(self):
        if self._site is None:
            site = Site.find_for_request(self.request) if self.request else None
            if site is None:
                site = Site.objects.filter(is_default_site=True).first()
            self._site = site
        return self._site

    def root(self) -> tuple[str, str]:
        """(root url_path, root URL) of the site, from process memory."""
        site = self.wagtail_site()
        for entry in site_root_paths():
            if site is not None and entry.site_id == site.pk:
                return entry.root_path, entry.root_url
        return "/", ""

    def lastmod(self, item):
        return item["lastmod"]

    @cached_property
    def paginator(self):
        return Paginator(self.items(), self.limit)

    def get_latest_lastmod(self):
        """The index's two questions (how many pages, latest change) in one
        aggregate instead of a count and a read of every item."""
        totals = (
            self.items().order_by().aggregate(count=Count("pk"), latest=Max("lastmod"))
        )
        self.paginator.__dict__["count"] = totals["count"]  # a cached_property
        return totals["latest"]

    def path_for(self, item) -> str:
        raise NotImplementedError

    def page_rows(self, page) -> list[dict]:
        try:
            number = int(page)
        except (TypeError, ValueError):
            raise PageNotAnInteger(page) from None
        if number < 1:
            raise EmptyPage(page)
        start = (number - 1) * self.limit
        rows = list(self.items()[start : start + self.limit])
        if not rows and number > 1:
            raise EmptyPage(page)
        return rows

    def _urls(self, page, protocol, domain):
        root_url = self.root()[1]
        urls = []
        latest = None
        for item in self.page_rows(page):
            lastmod = item["lastmod"]
            if lastmod is not None and (latest is None or lastmod > latest):
                latest = lastmod
            urls.append(
                {
                    "item": item,
                    "location": root_url + self.path_for(item),
                    "lastmod": lastmod,
                    "changefreq": None,
                    "priority": "",
                    "alternates": [],
                }
            )
        self.latest_lastmod = latest
        return urls


class PublicPageSitemap(_SiteSitemap):
    """Live pages of the site outside view restrictions, minus members-only
    resources and events and private working groups (the rules the pages
    themselves apply). Resources live at /knowledge/<slug>/ and events at
    /events/<slug>/ wherever they sit in the tree."""

    def items(self):
        visitor = AnonymousUser()
        # Resources hidden from a visitor: not public (a partial index holds
        # the few), or owned by a group that is not public (its index).
        hidden_resources = (
            ResourcePage.objects.exclude(visibility=Visibility.PUBLIC)
            .values("pk")
            .order_by()
            .union(
                ResourcePage.objects.filter(
                    owning_group__in=WorkingGroupPage.objects.exclude(
                        visibility=Visibility.PUBLIC
                    )
                )
                .values("pk")
                .order_by()
            )
        )
        hidden_events = EventPage.objects.exclude(
            event_visibility_q(user=visitor)
        ).values("pk")
        hidden_groups = WorkingGroupPage.objects.exclude(
            pk__in=group_list(user=visitor).values("pk")
        ).values("pk")
        root_path = self.root()[0]
        return (
            Page.objects.live()
            .public()
            .filter(url_path__startswith=root_path)
            .exclude(pk__in=hidden_resources)
            .exclude(pk__in=hidden_events)
            .exclude(pk__in=hidden_groups)
            .annotate(
                lastmod=Coalesce("last_published_at", "latest_revision_created_at")
            )
            .order_by("path")
            .values("pk", "url_path", "slug", "content_type_id", "lastmod")
        )

    def _urls(self, page, protocol, domain):
        self._root_path = self.root()[0]
        self._serve_prefix = reverse("wagtail_serve", args=("",))
        self._resource_type = ContentType.objects.get_for_model(ResourcePage).pk
        self._event_type = ContentType.objects.get_for_model(EventPage).pk
        self._library_path = _knowledge_index_path()
        self._events_path = event_index_path()
        return super()._urls(page, protocol, domain)

    def path_for(self, item) -> str:
        slug = quote(item["slug"], safe=_PATH_SAFE)
        if item["content_type_id"] == self._resource_type and self._library_path:
            return f"{self._library_path}{slug}/"
        if item["content_type_id"] == self._event_type and self._events_path:
            return f"{self._events_path}{slug}/"
        tree_path = item["url_path"][len(self._root_path) :]
        return self._serve_prefix + quote(tree_path, safe=_PATH_SAFE)


class PublicThreadSitemap(_SiteSitemap):
    """Discussions in forums a visitor may read, latest activity first."""

    def items(self):
        return (
            Thread.objects.filter(deleted_at__isnull=True, is_hidden=False)
            .filter(readable_forums_q(user=AnonymousUser(), prefix="forum__"))
            .annotate(lastmod=Coalesce("last_post_at", "created_at"))
            .order_by("-last_post_at", "-pk")
            .values("pk", "forum__slug", "lastmod")
        )

    def _urls(self, page, protocol, domain):
        self._forum_paths = {}
        return super()._urls(page, protocol, domain)

    def path_for(self, item) -> str:
        slug = item["forum__slug"]
        forum_path = self._forum_paths.get(slug)
        if forum_path is None:
            forum_path = reverse("forums:forum_detail", args=[slug])
            self._forum_paths[slug] = forum_path
        return f"{forum_path}{item['pk']}/"


SITEMAPS = {"pages": PublicPageSitemap, "threads": PublicThreadSitemap}
