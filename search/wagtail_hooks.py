"""Search in the Wagtail admin: what is indexed, what waits for a retry, and the
members' saved searches (their alerts can be switched off here)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import IndexedDocument, PendingIndexOperation, SavedSearch


class IndexedDocumentViewSet(SnippetViewSet):
    """Read-only: documents are written by the sync, never by hand."""

    model = IndexedDocument
    icon = "search"
    menu_label = _("Indexed documents")
    list_display = ["title", "kind", "language", "is_public", "date", "updated_at"]
    list_filter = ["kind", "is_public", "language", "knowledge_type"]
    search_fields = ["title", "key"]
    ordering = ["-updated_at"]
    copy_view_enabled = False
    inspect_view_enabled = True
    add_to_admin_menu = False
    panels = [FieldPanel("title", read_only=True), FieldPanel("url", read_only=True)]


class PendingIndexOperationViewSet(SnippetViewSet):
    model = PendingIndexOperation
    icon = "warning"
    menu_label = _("Index retry queue")
    list_display = ["source", "object_id", "backend", "attempts", "updated_at"]
    list_filter = ["backend", "source"]
    search_fields = ["last_error"]
    ordering = ["-updated_at"]
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [FieldPanel("last_error", read_only=True)]


class SavedSearchViewSet(SnippetViewSet):
    model = SavedSearch
    icon = "doc-full"
    menu_label = _("Saved searches")
    list_display = ["name", "user", "query_text", "frequency", "last_alert_at"]
    list_filter = ["frequency"]
    search_fields = ["name", "query_text"]
    ordering = ["name"]
    copy_view_enabled = False
    inspect_view_enabled = True
    panels = [FieldPanel("name"), FieldPanel("frequency")]


class SearchViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Search")
    menu_icon = "search"
    menu_order = 400
    items = (IndexedDocumentViewSet, PendingIndexOperationViewSet, SavedSearchViewSet)


register_snippet(SearchViewSetGroup)
