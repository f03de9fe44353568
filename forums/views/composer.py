"""The composer's endpoints: live preview, @ suggestions, reactions and the
permission-checked download of attachments."""

import mimetypes

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from portal.visibility import hidden

from .. import permissions, selectors
from ..markdown import external_link_count, render
from ..models import PostAttachment
from ..services import BODY_MAX_LENGTH
from ..services.composer import (
    post_attachment_remove,
    post_attachments_add,
    post_reaction_set,
)


def attach_uploads(request, post, form, *, thread) -> None:
    """Attach the files of a valid composer form to the post just written
    (inside the view's transaction: a refused file leaves no post behind)."""
    uploads = form.cleaned_data.get("attachments") or []
    if uploads:
        post.thread = thread
        post_attachments_add(user=request.user, post=post, uploads=uploads)


def detach_chosen(request, post, form) -> None:
    """Remove the attachments ticked on the edit form (only the post's own)."""
    chosen = {int(pk) for pk in form.cleaned_data.get("remove_attachments") or []}
    for attachment in form.attachments:
        if attachment.pk in chosen:
            attachment.post = post
            post_attachment_remove(user=request.user, attachment=attachment)


def _readable_forum(request, slug):
    forum = selectors.forum_get(slug=slug)
    if forum is None or not permissions.can_read_forum(request.user, forum):
        raise hidden()
    return forum


@require_POST
def composer_preview(request, slug):
    """The post as it will be saved: the same Markdown renderer and sanitiser
    (forums.markdown), so what the preview shows is what the thread shows."""
    forum = _readable_forum(request, slug)
    if not permissions.can_post_in_forum(request.user, forum):
        raise PermissionDenied
    body = request.POST.get("body", "")[:BODY_MAX_LENGTH]
    html, _mentions = render(body.strip())
    return JsonResponse({"html": html, "links": external_link_count(html)})


def _mentions(request, forum, thread):
    if not permissions.can_search_mentions(request.user, thread, forum):
        if not request.user.is_authenticated:
            raise hidden()
        raise PermissionDenied
    people = selectors.mention_candidates(
        user=request.user, forum=forum, thread=thread, q=request.GET.get("q", "")
    )
    response = JsonResponse({"people": people})
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def forum_mentions(request, slug):
    """People to @mention in a new discussion of ``slug``."""
    return _mentions(request, _readable_forum(request, slug), None)


@require_GET
def thread_mentions(request, slug, pk):
    """People to @mention in a reply: only those who may read the thread."""
    forum = _readable_forum(request, slug)
    thread = selectors.thread_get(forum=forum, pk=pk)
    if thread is None or not permissions.can_view_thread(request.user, thread):
        raise hidden()
    return _mentions(request, forum, thread)


@require_POST
def post_react(request, pk):
    """Give or take back "thanks" or "helpful" (``state`` on/off; without it,
    the reaction is toggled)."""
    post = selectors.post_get(pk=pk)
    if post is None or not permissions.can_view_post(request.user, post):
        raise hidden()
    kind = request.POST.get("kind", "")
    state = request.POST.get("state")
    if state in {"on", "off"}:
        on = state == "on"
    else:
        on = not post.reactions.filter(user=request.user, kind=kind).exists()
    try:
        post_reaction_set(user=request.user, post=post, kind=kind, on=on)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    if "application/json" in request.headers.get("Accept", ""):
        selectors.post_reactions_summary(posts=[post], user=request.user)
        return JsonResponse(
            {"counts": post.reaction_counts, "mine": sorted(post.my_reactions)}
        )
    return redirect(post.get_absolute_url())


@require_GET
def attachment_download(request, pk):
    """An attachment, to signed-in readers of its post only; documents as a
    download, pictures inline, never sniffed or run by the browser."""
    attachment = (
        PostAttachment.objects.select_related("post__thread__forum__group")
        .filter(pk=pk)
        .first()
    )
    if attachment is None:
        raise hidden()
    if not permissions.can_download_attachment(request.user, attachment):
        if not request.user.is_authenticated and permissions.can_view_post(
            request.user, attachment.post
        ):
            return redirect_to_login(request.get_full_path())
        raise hidden()
    content_type = (
        mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
    )
    inline = attachment.is_image
    try:
        path = attachment.file.path
    except NotImplementedError:
        path = None
    if path and hasattr(settings, "SENDFILE_BACKEND"):
        from wagtail.utils.sendfile import sendfile

        response = sendfile(
            request,
            path,
            attachment=not inline,
            attachment_filename=attachment.name,
            mimetype=content_type,
        )
    else:
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=not inline,
            filename=attachment.name,
            content_type=content_type,
        )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
