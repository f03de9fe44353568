"""Operations in the Wagtail admin: the mail outbox (staff see what was sent,
what waits and why it failed; setting a failed message back to "pending" sends
it again) and the scheduler's recent runs."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import OutboxMessage, ScheduledRun


class OutboxMessageViewSet(SnippetViewSet):
    model = OutboxMessage
    icon = "mail"
    menu_label = _("Outgoing email")
    list_display = [
        "subject",
        "to_email",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status"]
    search_fields = ["subject", "to_email", "last_error"]
    ordering = ["-created_at"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "status",
        "to_email",
        "subject",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "body_text",
    ]
    panels = [
        FieldPanel("status"),
        FieldPanel("to_email", read_only=True),
        FieldPanel("subject", read_only=True),
        FieldPanel("last_error", read_only=True),
    ]


class ScheduledRunViewSet(SnippetViewSet):
    model = ScheduledRun
    icon = "time"
    menu_label = _("Scheduled runs")
    list_display = ["job", "slot", "started_at"]
    list_filter = ["job"]
    ordering = ["-started_at"]
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [FieldPanel("job", read_only=True)]


class OperationsViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Operations")
    menu_icon = "cogs"
    menu_order = 900
    items = (OutboxMessageViewSet, ScheduledRunViewSet)


register_snippet(OperationsViewSetGroup)
