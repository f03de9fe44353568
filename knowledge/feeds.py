"""Atom feeds of the library: everything, one working group, one tag. Like every
list, a feed only carries what the requesting user may see."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from working_groups.selectors import group_list

from .citations import publisher_names
from .selectors import _in_groups, resource_queryset_visible, tag_get_visible

FEED_SIZE = 50


class ResourceFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, group_slug=None, tag_slug=None):
        scope = {"request": request, "group": None, "tag": None}
        if group_slug is not None:
            group = next(
                (g for g in group_list(user=request.user) if g.slug == group_slug), None
            )
            if group is None:
                raise Http404
            scope["group"] = group
        if tag_slug is not None:
            scope["tag"] = tag_get_visible(user=request.user, slug=tag_slug)
            if scope["tag"] is None:
                raise Http404
        return scope

    def title(self, scope):
        if scope["group"] is not None:
            return _("%(group)s: latest resources") % {"group": scope["group"].title}
        if scope["tag"] is not None:
            return _("Latest resources tagged “%(tag)s”") % {"tag": scope["tag"].name}
        return _("EMIS Community of Practice: latest resources")

    def subtitle(self, scope):
        return _("Reports, data sets, webinars, lessons learned and stories.")

    def link(self, scope):
        if scope["group"] is not None:
            return f"/knowledge/?group={scope['group'].slug}"
        if scope["tag"] is not None:
            return f"/knowledge/tags/{scope['tag'].slug}/"
        return "/knowledge/"

    def items(self, scope):
        request = scope["request"]
        resources = resource_queryset_visible(user=request.user)
        if scope["group"] is not None:
            resources = resources.filter(_in_groups([scope["group"].pk]))
        if scope["tag"] is not None:
            resources = resources.filter(tagged_items__tag=scope["tag"])
        resources = list(
            resources.order_by("-first_published_at", "-pk")
            .select_related("owner__profile")
            .prefetch_related("organisations", "tags")[:FEED_SIZE]
        )
        # Item URLs need no query: the library's path and the site root paths
        # are kept per process (portal.page_paths).
        return resources

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url()

    def item_guid(self, item):
        return f"urn:emis-cop:resource:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return "; ".join(item.author_list) or ", ".join(publisher_names(item)) or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]
