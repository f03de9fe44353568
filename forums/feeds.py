"""Atom feed of a public forum's newest discussions."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import permissions, selectors
from .models import Forum, Post


class ForumFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        forum = get_object_or_404(Forum.objects.select_related("group"), slug=slug)
        if not permissions.can_view_feed(forum):
            # Never reached through the view, which checks first; kept so the
            # feed cannot be mounted elsewhere without the check.
            raise PermissionError(slug)
        return forum

    def title(self, forum):
        return _("%(forum)s · EMIS Community of Practice") % {"forum": forum.name}

    def subtitle(self, forum):
        return forum.description or _("New discussions in %(forum)s") % {
            "forum": forum.name
        }

    def link(self, forum):
        return forum.get_absolute_url()

    def items(self, forum):
        threads = list(selectors.forum_feed_threads(forum=forum))
        first_posts = {
            post.thread_id: post
            for post in Post.objects.filter(thread__in=threads, position=1)
        }
        for thread in threads:
            thread.forum = forum
            thread.first_post = first_posts.get(thread.pk)
        return threads

    def item_title(self, thread):
        return thread.title

    def item_description(self, thread):
        return thread.first_post.body_html if thread.first_post else ""

    def item_link(self, thread):
        return thread.get_absolute_url()

    def item_author_name(self, thread):
        return thread.author.profile.name if thread.author else ""

    def item_pubdate(self, thread):
        return thread.created_at

    def item_updateddate(self, thread):
        return thread.last_post_at
