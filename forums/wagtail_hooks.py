"""Forums in the Wagtail admin: staff create forums and categories here, and can
look through flags, suspensions and the moderators' audit log."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Flag, Forum, ModerationAction, Suspension


class ForumViewSet(SnippetViewSet):
    model = Forum
    icon = "group"
    menu_label = _("Forums")
    list_display = ["name", "group", "public_read", "thread_count", "post_count"]
    list_filter = ["public_read"]
    search_fields = ["name", "description"]
    ordering = ["sort_order", "name"]
    copy_view_enabled = False


class FlagViewSet(SnippetViewSet):
    model = Flag
    icon = "warning"
    menu_label = _("Flags")
    list_display = ["post", "reason", "status", "reporter", "created_at"]
    list_filter = ["status", "reason"]
    search_fields = ["details"]
    ordering = ["-created_at"]
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [FieldPanel("status"), FieldPanel("details")]


class SuspensionViewSet(SnippetViewSet):
    model = Suspension
    icon = "lock"
    menu_label = _("Suspensions")
    list_display = ["user", "forum", "ends_at", "lifted_at", "created_at"]
    list_filter = ["forum"]
    search_fields = ["reason"]
    ordering = ["-created_at"]
    copy_view_enabled = False
    panels = [FieldPanel("reason"), FieldPanel("ends_at")]


class ModerationActionViewSet(SnippetViewSet):
    model = ModerationAction
    icon = "history"
    menu_label = _("Moderation log")
    list_display = ["created_at", "forum", "moderator", "action", "thread", "note"]
    list_filter = ["action", "forum"]
    search_fields = ["note"]
    ordering = ["-created_at"]
    copy_view_enabled = False
    inspect_view_enabled = True
    # The audit log is read-only: entries are written by forums.services.
    panels = [FieldPanel("note", read_only=True)]


class ForumsViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Forums")
    menu_icon = "group"
    menu_order = 300
    items = (ForumViewSet, FlagViewSet, SuspensionViewSet, ModerationActionViewSet)


register_snippet(ForumsViewSetGroup)
