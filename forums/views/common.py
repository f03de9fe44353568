"""Lookups and helpers shared by the forum views."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from portal.visibility import require_visible

from .. import permissions, selectors
from ..models import (
    Post,
)
from ..rate_limits import RateLimited


def _forum_or_404(request, slug):
    """The forum if ``request.user`` may read it; a private forum answers the
    same 404 as a missing one (see portal.visibility)."""
    return require_visible(request.user, selectors.forum_get(slug=slug))


def _thread_or_404(request, slug, pk):
    forum = _forum_or_404(request, slug)
    thread = selectors.thread_get(forum=forum, pk=pk)
    if thread is None or not permissions.can_view_thread(request.user, thread):
        raise Http404
    return thread


def _post_or_404(request, pk):
    post = selectors.post_get(pk=pk)
    if post is None:
        raise Http404
    thread = _thread_or_404(request, post.thread.forum.slug, post.thread_id)
    post.thread = thread
    return post


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _rate_limited_response(request, template, context, error: RateLimited):
    context["form"].add_error(None, error.message)
    response = render(request, template, context, status=429)
    if error.retry_at:
        seconds = max(int((error.retry_at - timezone.now()).total_seconds()), 1)
        response["Retry-After"] = str(seconds)
    return response


def _post_url(post: Post) -> str:
    url = post.thread.get_absolute_url()
    if post.page_number > 1:
        url += "?" + urlencode({"page": post.page_number})
    return f"{url}#{post.anchor}"


def _post_actions(user, post: Post, thread) -> dict:
    can_view = post.deleted_at is None and (
        not post.is_hidden or permissions.can_view_hidden_post(user, post)
    )
    is_reply = post.position > 1
    return {
        "show_body": can_view,
        "edit": permissions.can_edit_post(user, post),
        "delete": permissions.can_delete_post(user, post),
        "hide": is_reply and permissions.can_hide_post(user, post),
        "flag": permissions.can_flag_post(user, post),
        "quote": can_view and permissions.can_reply_to_thread(user, thread),
        "mark_answer": is_reply
        and can_view
        and not post.is_hidden
        and permissions.can_mark_answer(user, thread),
        "history": post.edited_at is not None
        and (
            permissions.can_moderate_forum(user, thread.forum)
            or (user.is_authenticated and post.author_id == user.pk)
        ),
    }
