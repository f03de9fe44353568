"""Wagtail admin views for moderators: the join-request queue of their groups."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from . import permissions, selectors, services
from .forms import DecisionForm
from .models import Membership


def can_see_join_requests(user) -> bool:
    return bool(
        getattr(user, "is_superuser", False)
        or (
            getattr(user, "is_staff", False)
            and user.has_perm("working_groups.change_membership")
        )
        or selectors.moderated_group_ids_for_user(user=user)
    )


class JoinRequestsView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Join requests")
    header_icon = "group"
    template_name = "working_groups/admin/join_requests.html"
    breadcrumbs_items = WagtailAdminTemplateMixin.breadcrumbs_items + [
        {
            "url": reverse_lazy("working_groups_join_requests"),
            "label": gettext_lazy("Join requests"),
        }
    ]

    def dispatch(self, request, *args, **kwargs):
        if not can_see_join_requests(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["join_requests"] = selectors.join_request_list_for_moderator(
            user=self.request.user
        ).prefetch_related("user__profile__tagged_items__tag")
        return context


@require_POST
def join_request_decide(request, pk, decision):
    if decision not in ("approve", "decline"):
        raise Http404
    membership = get_object_or_404(
        Membership.objects.select_related("group", "user__profile"), pk=pk
    )
    if not permissions.can_moderate_group(request.user, membership.group):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    decide = (
        services.membership_approve
        if decision == "approve"
        else services.membership_decline
    )
    try:
        decide(membership=membership, actor=request.user, message=message)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        template = (
            _("%(name)s is now a member of %(group)s.")
            if decision == "approve"
            else _("%(name)s's request to join %(group)s was declined.")
        )
        messages.success(
            request,
            template
            % {"name": membership.user.profile.name, "group": membership.group.title},
        )
    return redirect("working_groups_join_requests")
