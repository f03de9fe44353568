"""The moderators' inbox: one page, and actions in place that call the
existing services (each checks the moderator's rights again). Something the
moderator may not act on answers like something missing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, selectors


def _errors(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _back(request):
    """Back to the page the action was taken on (the inbox, or a group's
    moderation page: both render the same rows), never off the site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("inbox:inbox")


def _moderator_only(request):
    if not permissions.can_view_inbox(request.user):
        raise Http404


@login_required
def inbox(request):
    _moderator_only(request)
    context = selectors.inbox_sections(user=request.user)
    context["counts"] = {
        "join_requests": len(context["join_requests"]),
        "resources": len(context["pending_resources"]),
        "flags": len(context["open_flags"]),
        "events": len(context["events_needing_attention"]),
        "suspensions": len(context["suspensions"]),
    }
    return render(request, "inbox/inbox.html", context)


@require_POST
@login_required
def join_request_decide(request, pk):
    from working_groups.models import Membership
    from working_groups.services import (
        MembershipError,
        membership_approve,
        membership_decline,
    )

    _moderator_only(request)
    membership = get_object_or_404(
        Membership.objects.select_related("group", "user__profile"), pk=pk
    )
    decision = request.POST.get("decision")
    if decision not in ("approve", "decline"):
        raise Http404
    decide = membership_approve if decision == "approve" else membership_decline
    try:
        decide(
            membership=membership,
            actor=request.user,
            message=request.POST.get("message", "")[:2000],
        )
    except PermissionDenied as denied:
        raise Http404 from denied
    except MembershipError as error:
        messages.error(request, str(error))
    else:
        name = membership.user.profile.name
        messages.success(
            request,
            _("%(name)s is now a member.") % {"name": name}
            if decision == "approve"
            else _("%(name)s's request was declined.") % {"name": name},
        )
    return _back(request)


@require_POST
@login_required
def resource_decide(request, pk):
    from knowledge.models import ResourcePage
    from knowledge.services import resource_moderate

    _moderator_only(request)
    resource = get_object_or_404(ResourcePage, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        raise Http404
    try:
        resource_moderate(
            resource=resource,
            moderator=request.user,
            approve=decision == "approve",
            comment=request.POST.get("comment", "")[:2000],
        )
    except PermissionDenied as denied:
        raise Http404 from denied
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(
            request,
            _("“%(title)s” is published.") % {"title": resource.title}
            if decision == "approve"
            else _("Changes were requested to “%(title)s”.")
            % {"title": resource.title},
        )
    return _back(request)


@require_POST
@login_required
def flag_decide(request, pk):
    from forums.models import Flag
    from forums.services import flag_dismiss, post_hide

    _moderator_only(request)
    flag = get_object_or_404(Flag.objects.select_related("post__thread__forum"), pk=pk)
    action = request.POST.get("action")
    if action not in ("hide", "dismiss"):
        raise Http404
    try:
        if action == "hide":
            post_hide(moderator=request.user, post=flag.post)
            messages.success(request, _("The post is hidden."))
        else:
            flag_dismiss(moderator=request.user, flag=flag)
            messages.success(request, _("The flag is dismissed."))
    except PermissionDenied as denied:
        raise Http404 from denied
    return _back(request)


@require_POST
@login_required
def suspension_lift(request, pk):
    from forums.models import Suspension
    from forums.services import suspension_lift as lift

    _moderator_only(request)
    suspension = get_object_or_404(
        Suspension.objects.select_related("forum", "user"), pk=pk
    )
    try:
        lift(moderator=request.user, suspension=suspension)
    except PermissionDenied as denied:
        raise Http404 from denied
    messages.success(request, _("The suspension is lifted."))
    return _back(request)
