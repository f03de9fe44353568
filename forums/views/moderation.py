"""Moderators' forum views: hiding, moving, queues, logs, settings and suspensions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.visibility import hidden

from .. import permissions, selectors, services
from ..forms import (
    ForumSettingsForm,
    MoveForm,
    SuspendForm,
)
from ..models import (
    Flag,
    Suspension,
)
from .common import _add_errors, _forum_or_404, _post_or_404, _post_url, _thread_or_404


@require_POST
@login_required
def post_hide(request, pk):
    post = _post_or_404(request, pk)
    hidden = request.POST.get("action", "hide") == "hide"
    services.post_hide(moderator=request.user, post=post, hidden=hidden)
    messages.success(
        request, _("The post is hidden.") if hidden else _("The post is visible again.")
    )
    if post.position == 1 and hidden:
        return redirect(post.thread.forum.get_absolute_url())
    return HttpResponseRedirect(_post_url(post))


THREAD_ACTIONS = {
    "pin": (services.thread_pin, {"pinned": True}, _("The discussion is pinned.")),
    "unpin": (services.thread_pin, {"pinned": False}, _("The discussion is unpinned.")),
    "lock": (services.thread_lock, {"locked": True}, _("The discussion is locked.")),
    "unlock": (
        services.thread_lock,
        {"locked": False},
        _("The discussion is open again."),
    ),
    "hide": (services.thread_hide, {"hidden": True}, _("The discussion is hidden.")),
    "unhide": (
        services.thread_hide,
        {"hidden": False},
        _("The discussion is visible again."),
    ),
}


@require_POST
@login_required
def thread_moderate(request, slug, pk):
    thread = _thread_or_404(request, slug, pk)
    action = THREAD_ACTIONS.get(request.POST.get("action"))
    if action is None:
        raise Http404
    service, kwargs, message = action
    service(moderator=request.user, thread=thread, **kwargs)
    messages.success(request, message)
    return redirect(thread.get_absolute_url())


@login_required
def thread_move(request, slug, pk):
    thread = _thread_or_404(request, slug, pk)
    if not permissions.can_moderate_thread(request.user, thread):
        raise PermissionDenied
    forums = selectors.forums_moderated_by(user=request.user)
    form = MoveForm(
        request.POST or None,
        forums=forums,
        initial={"forum": thread.forum_id, "category": thread.category_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.thread_move(
                moderator=request.user,
                thread=thread,
                forum=form.cleaned_data["forum"],
                category=form.cleaned_data.get("category"),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The discussion was moved."))
            return redirect(thread.get_absolute_url())
    return render(
        request,
        "forums/thread_move.html",
        {"thread": thread, "forum": thread.forum, "form": form},
    )


@require_POST
@login_required
def thread_delete(request, slug, pk):
    thread = _thread_or_404(request, slug, pk)
    services.thread_delete(actor=request.user, thread=thread)
    messages.success(request, _("The discussion was deleted."))
    return redirect(thread.forum.get_absolute_url())


def _moderated_forum_or_403(request, slug):
    forum = _forum_or_404(request, slug)
    if not permissions.can_view_moderation_queue(request.user, forum):
        raise PermissionDenied
    return forum


@login_required
def moderation_overview(request):
    forums = selectors.forums_moderated_by(user=request.user)
    if not forums:
        raise PermissionDenied
    for forum in forums:
        forum.open_flags = selectors.flag_list_open_for_forum(forum=forum).count()
    return render(request, "forums/moderation_overview.html", {"forums": forums})


@login_required
def moderation_queue(request, slug):
    forum = _moderated_forum_or_403(request, slug)
    flags = Paginator(selectors.flag_list_open_for_forum(forum=forum), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "forums/moderation_queue.html",
        {
            "forum": forum,
            "group": forum.group,
            "page_obj": flags,
            "flags": flags.object_list,
            "suspensions": selectors.suspension_list_active(forum=forum),
            "settings_form": ForumSettingsForm(
                initial={
                    "public_read": "1" if forum.public_read else "0",
                    "description": forum.description,
                }
            )
            if forum.group_id
            else None,
            "recent_actions": selectors.moderation_log(forum=forum)[:10],
        },
    )


@login_required
def moderation_log(request, slug):
    forum = _moderated_forum_or_403(request, slug)
    page_obj = Paginator(selectors.moderation_log(forum=forum), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "forums/moderation_log.html",
        {"forum": forum, "page_obj": page_obj, "actions": page_obj.object_list},
    )


@require_POST
@login_required
def forum_settings(request, slug):
    forum = _moderated_forum_or_403(request, slug)
    form = ForumSettingsForm(request.POST)
    if form.is_valid():
        services.forum_settings_update(
            moderator=request.user,
            forum=forum,
            public_read=form.cleaned_data["public_read"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, _("The forum settings are saved."))
    else:
        messages.error(request, _("Choose who can read this forum."))
    return redirect("forums:moderation", slug=forum.slug)


@require_POST
@login_required
def flag_resolve(request, pk):
    flag = get_object_or_404(
        Flag.objects.select_related("post__thread__forum__group"), pk=pk
    )
    forum = flag.post.thread.forum
    if not permissions.can_moderate_forum(request.user, forum):
        raise hidden()  # flags exist for moderators only
    action = request.POST.get("action")
    if action == "dismiss":
        services.flag_dismiss(moderator=request.user, flag=flag)
        messages.success(request, _("The flag was dismissed."))
    elif action == "hide":
        services.post_hide(moderator=request.user, post=flag.post, hidden=True)
        messages.success(request, _("The post is hidden."))
    elif action == "delete":
        if flag.post.position == 1:
            services.thread_delete(actor=request.user, thread=flag.post.thread)
        else:
            services.post_delete(actor=request.user, post=flag.post)
        messages.success(request, _("The post was deleted."))
    else:
        raise Http404
    return redirect("forums:moderation", slug=forum.slug)


@login_required
def user_suspend(request, slug):
    forum = _moderated_forum_or_403(request, slug)
    form = SuspendForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            services.user_suspend(
                moderator=request.user,
                forum=forum,
                user=form.cleaned_data["user"],
                reason=form.cleaned_data["reason"],
                ends_at=form.ends_at(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s can no longer post in this forum.")
                % {"name": form.cleaned_data["user"].profile.name},
            )
            return redirect("forums:moderation", slug=forum.slug)
    return render(
        request,
        "forums/user_suspend.html",
        {"forum": forum, "group": forum.group, "form": form},
    )


@require_POST
@login_required
def suspension_lift(request, pk):
    suspension = get_object_or_404(
        Suspension.objects.select_related("forum__group", "user"), pk=pk
    )
    if not permissions.can_moderate_forum(request.user, suspension.forum):
        raise hidden()  # suspensions exist for moderators only
    services.suspension_lift(moderator=request.user, suspension=suspension)
    messages.success(request, _("The suspension was lifted."))
    return redirect("forums:moderation", slug=suspension.forum.slug)
