"""Wagtail admin: memberships (with an audit trail), the audit log, invitations,
event registrations, and the moderators' join-request queue."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from portal.spreadsheets import FormulaSafeIndexView

from . import admin_views
from .models import (
    EventRegistration,
    Membership,
    MembershipAuditEntry,
    MembershipInvitation,
)
from .services import membership_admin_changed


class NoDeletePermissionPolicy(ModelPermissionPolicy):
    """Memberships end by status (left, removed), never by deletion: the audit log
    keeps pointing at them."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        return super().user_has_permission(user, action)


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Listed and inspected, never edited in the admin."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


class MembershipCreateView(CreateView):
    def save_instance(self):
        instance = super().save_instance()
        membership_admin_changed(
            membership=instance, actor=self.request.user, previous=None
        )
        return instance


class MembershipEditView(EditView):
    def save_instance(self):
        previous = (
            Membership.objects.filter(pk=self.object.pk)
            .values("status", "role")
            .first()
        )
        instance = super().save_instance()
        membership_admin_changed(
            membership=instance, actor=self.request.user, previous=previous
        )
        return instance


class MembershipViewSet(SnippetViewSet):
    index_view_class = FormulaSafeIndexView
    model = Membership
    icon = "group"
    menu_label = _("Memberships")
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["user", "group", "role", "status", "decided_by", "created_at"]
    list_filter = ["status", "role", "group"]
    search_fields = ["user__username", "user__profile__display_name", "motivation"]
    search_backend_name = None
    ordering = ["-created_at"]
    list_export = ["user", "group", "role", "status", "decided_by", "decided_at"]
    panels = [
        FieldPanel("user"),
        FieldPanel("group"),
        FieldPanel("role"),
        FieldPanel("status"),
        FieldPanel("motivation", read_only=True),
        FieldPanel("decision_message"),
    ]


class MembershipAuditEntryViewSet(SnippetViewSet):
    index_view_class = FormulaSafeIndexView
    model = MembershipAuditEntry
    icon = "history"
    menu_label = _("Audit log")
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["created_at", "group", "user", "email", "action", "actor"]
    list_filter = ["action", "group"]
    search_fields = [
        "user__username",
        "user__profile__display_name",
        "email",
        "message",
    ]
    search_backend_name = None
    ordering = ["-created_at"]
    list_export = [
        "created_at",
        "group",
        "user",
        "email",
        "action",
        "from_status",
        "to_status",
        "actor",
        "message",
    ]


class MembershipInvitationViewSet(SnippetViewSet):
    index_view_class = FormulaSafeIndexView
    model = MembershipInvitation
    icon = "mail"
    menu_label = _("Invitations")
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "email",
        "group",
        "status",
        "invited_by",
        "created_at",
        "expires_at",
    ]
    list_filter = ["status", "group"]
    search_fields = ["email"]
    search_backend_name = None
    ordering = ["-created_at"]
    inspect_view_fields = [
        "email",
        "group",
        "status",
        "invited_by",
        "message",
        "created_at",
        "expires_at",
        "responded_at",
        "accepted_by",
    ]


class EventRegistrationViewSet(SnippetViewSet):
    index_view_class = FormulaSafeIndexView
    model = EventRegistration
    icon = "date"
    menu_label = _("Event registrations")
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["event", "user", "status", "status_changed_at"]
    list_filter = ["status", "event"]
    search_fields = ["user__username", "user__profile__display_name", "event__title"]
    search_backend_name = None
    ordering = ["event", "status", "status_changed_at"]
    list_export = ["event", "user", "status", "status_changed_at"]


class WorkingGroupsAdminGroup(SnippetViewSetGroup):
    menu_label = _("Working groups")
    menu_icon = "group"
    menu_order = 240
    items = (
        MembershipViewSet,
        MembershipAuditEntryViewSet,
        MembershipInvitationViewSet,
        EventRegistrationViewSet,
    )


register_permission_policy(
    Membership, NoDeletePermissionPolicy(Membership), exact_class=True
)
for read_only_model in (MembershipAuditEntry, MembershipInvitation, EventRegistration):
    register_permission_policy(
        read_only_model, ReadOnlyPermissionPolicy(read_only_model), exact_class=True
    )
register_snippet(WorkingGroupsAdminGroup)


class JoinRequestsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_see_join_requests(request.user)


@hooks.register("register_admin_urls")
def register_join_request_urls():
    return [
        path(
            "join-requests/",
            admin_views.JoinRequestsView.as_view(),
            name="working_groups_join_requests",
        ),
        path(
            "join-requests/<int:pk>/<str:decision>/",
            admin_views.join_request_decide,
            name="working_groups_join_request_decide",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_join_requests_menu_item():
    return JoinRequestsMenuItem(
        _("Join requests"),
        reverse("working_groups_join_requests"),
        icon_name="user",
        order=230,
    )


@hooks.register("construct_page_chooser_queryset")
def hide_private_pages_from_the_chooser(pages, request):
    """The page chooser (browse and search) lists only what the user may know
    of; browsing into a page they may not see answers 404."""
    from django.http import Http404
    from wagtail.models import Page

    from .selectors import admin_page_visibility_q

    visible = admin_page_visibility_q(user=request.user)
    match = getattr(request, "resolver_match", None)
    parent_id = match.kwargs.get("parent_page_id") if match else None
    if (
        parent_id is not None
        and not Page.objects.filter(visible, pk=parent_id).exists()
    ):
        raise Http404
    return pages.filter(visible)
