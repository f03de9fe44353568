"""/sitemap.xml: Wagtail's sitemap of pages, narrowed to what a visitor may
read by the apps' own selectors, plus the threads of publicly readable forums."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import Sitemap as PageSitemap

from forums.models import Thread
from forums.selectors import readable_forums_q
from knowledge.models import ResourcePage
from knowledge.selectors import resource_queryset_visible
from working_groups.models import EventPage, WorkingGroupPage
from working_groups.selectors import event_visibility_q, group_list


class PublicPageSitemap(PageSitemap):
    """Live, unrestricted pages minus members-only resources and events and
    private working groups (the same rules the pages themselves apply)."""

    def items(self):
        visitor = AnonymousUser()
        hidden_resources = ResourcePage.objects.exclude(
            pk__in=resource_queryset_visible(user=visitor).values("pk")
        ).values("pk")
        hidden_events = EventPage.objects.exclude(
            event_visibility_q(user=visitor)
        ).values("pk")
        hidden_groups = WorkingGroupPage.objects.exclude(
            pk__in=group_list(user=visitor).values("pk")
        ).values("pk")
        return (
            super()
            .items()
            .exclude(pk__in=hidden_resources)
            .exclude(pk__in=hidden_events)
            .exclude(pk__in=hidden_groups)
        )


class PublicThreadSitemap(Sitemap):
    """Discussions in forums a visitor may read, latest activity first."""

    def items(self):
        return (
            Thread.objects.filter(deleted_at__isnull=True, is_hidden=False)
            .filter(readable_forums_q(user=AnonymousUser(), prefix="forum__"))
            .select_related("forum")
            .order_by("-last_post_at", "-pk")
        )

    def lastmod(self, thread):
        return thread.last_post_at


SITEMAPS = {"pages": PublicPageSitemap, "threads": PublicThreadSitemap()}
