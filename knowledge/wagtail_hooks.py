"""Admin for the library: publishers as snippets, a flat resource listing, and
the check that keeps members-only attachments private."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.pages.listing import IndexView
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.visibility import hidden

from .models import Organisation, ResourcePage
from .permissions import can_preview_resource


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Publishers")
    menu_order = 210
    add_to_admin_menu = False
    list_display = ["name", "acronym", "website"]
    search_fields = ["name", "acronym"]
    ordering = ["name"]


register_snippet(OrganisationViewSet)


class ResourceListingViewSet(PageListingViewSet):
    """Every resource in one list, wherever it lives in the tree."""

    model = ResourcePage
    icon = "doc-full-inverse"
    menu_label = _("Resources")
    menu_order = 150
    add_to_admin_menu = True
    columns = [
        *IndexView.base_columns,
        Column("format", label=_("Format"), accessor="get_format_display"),
        Column("visibility", label=_("Visibility"), accessor="get_visibility_display"),
        BooleanColumn("featured", label=_("Featured")),
    ]
    list_filter = [
        "format",
        "knowledge_type",
        "level",
        "visibility",
        "featured",
        "owning_group",
    ]


@hooks.register("register_admin_viewset")
def register_resource_listing():
    return ResourceListingViewSet("resources")


@hooks.register("before_serve_document")
def protect_resource_attachments(document, request):
    """An attachment of a resource is served to whoever may see one of the
    resources it belongs to (drafts: their submitter and moderators)."""
    resources = list(
        ResourcePage.objects.filter(attachments__document=document)
        .select_related("owning_group")
        .distinct()
    )
    if not resources:
        return None
    if any(can_preview_resource(request.user, resource) for resource in resources):
        return None
    raise hidden()
