"""Writing in the forums: new threads, replies, edits, flags, answers and lessons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, selectors, services
from ..forms import (
    FlagForm,
    LessonForm,
    PostEditForm,
    ReplyForm,
    ThreadForm,
)
from ..markdown import quote_markdown
from ..models import (
    Post,
)
from ..rate_limits import RateLimited
from .common import (
    _add_errors,
    _forum_or_404,
    _post_or_404,
    _post_url,
    _rate_limited_response,
    _thread_or_404,
)
from .composer import attach_uploads, detach_chosen


@login_required
def thread_create(request, slug):
    forum = _forum_or_404(request, slug)
    if not permissions.can_post_in_forum(request.user, forum):
        raise PermissionDenied
    initial = {}
    if request.GET.get("category"):
        initial["category"] = forum.categories.filter(
            slug=request.GET["category"]
        ).first()
    form = ThreadForm(
        request.POST or None, request.FILES or None, forum=forum, initial=initial
    )
    context = {"forum": forum, "group": forum.group, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                thread = services.thread_create(
                    author=request.user,
                    forum=forum,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    category=form.cleaned_data.get("category"),
                )
                attach_uploads(
                    request, thread.posts.get(position=1), form, thread=thread
                )
        except RateLimited as error:
            return _rate_limited_response(
                request, "forums/thread_create.html", context, error
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your discussion has started."))
            return redirect(thread.get_absolute_url())
    return render(request, "forums/thread_create.html", context)


@login_required
def post_reply(request, slug, pk):
    """The reply form on its own page: quoting without JavaScript, and where a
    refused reply comes back with its text."""
    thread = _thread_or_404(request, slug, pk)
    if not permissions.can_reply_to_thread(request.user, thread):
        raise PermissionDenied
    quoted = None
    initial = {}
    quote_id = request.GET.get("quote") or request.POST.get("quoted_post")
    if quote_id and str(quote_id).isdigit():
        quoted = (
            thread.posts.filter(pk=int(quote_id), deleted_at__isnull=True)
            .select_related("author__profile")
            .first()
        )
        if quoted is not None and quoted.is_hidden:
            quoted = None
        if quoted is not None and request.method == "GET":
            initial = {
                "body": quote_markdown(
                    text=quoted.body,
                    author_name=quoted.author.profile.name if quoted.author else "",
                    url=quoted.get_absolute_url(),
                ),
                "quoted_post": quoted.pk,
            }
    form = ReplyForm(request.POST or None, request.FILES or None, initial=initial)
    context = {
        "forum": thread.forum,
        "group": thread.forum.group,
        "thread": thread,
        "form": form,
        "quoted": quoted,
    }
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                post = services.post_create(
                    author=request.user,
                    thread=thread,
                    body=form.cleaned_data["body"],
                    quoted_post=quoted,
                )
                attach_uploads(request, post, form, thread=thread)
        except RateLimited as error:
            return _rate_limited_response(
                request, "forums/post_reply.html", context, error
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            post.thread = thread
            return HttpResponseRedirect(_post_url(post))
    return render(request, "forums/post_reply.html", context)


@login_required
def post_edit(request, pk):
    post = _post_or_404(request, pk)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied
    thread = post.thread
    first = post.position == 1
    form = PostEditForm(
        request.POST or None,
        request.FILES or None,
        first_post=first,
        attachments=post.attachments.all(),
        initial={"body": post.body, "title": thread.title},
    )
    context = {"forum": thread.forum, "thread": thread, "post": post, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.post_edit(
                    editor=request.user,
                    post=post,
                    body=form.cleaned_data["body"],
                    title=form.cleaned_data.get("title"),
                )
                detach_chosen(request, post, form)
                attach_uploads(request, post, form, thread=thread)
        except RateLimited as error:
            return _rate_limited_response(
                request, "forums/post_edit.html", context, error
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return HttpResponseRedirect(_post_url(post))
    return render(request, "forums/post_edit.html", context)


@require_POST
@login_required
def post_delete(request, pk):
    post = _post_or_404(request, pk)
    services.post_delete(actor=request.user, post=post)
    messages.success(request, _("The post was deleted."))
    return HttpResponseRedirect(_post_url(post))


@login_required
def post_flag(request, pk):
    post = _post_or_404(request, pk)
    if not permissions.can_flag_post(request.user, post):
        raise PermissionDenied
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_flag(
                reporter=request.user,
                post=post,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Thank you. The moderators will look at this post.")
            )
            return HttpResponseRedirect(_post_url(post))
    return render(
        request,
        "forums/post_flag.html",
        {"post": post, "thread": post.thread, "forum": post.thread.forum, "form": form},
    )


@require_POST
@login_required
def thread_mark_answer(request, slug, pk):
    thread = _thread_or_404(request, slug, pk)
    post = None
    if request.POST.get("post"):
        post = get_object_or_404(Post, pk=request.POST["post"], thread=thread)
    try:
        services.thread_mark_answer(actor=request.user, thread=thread, post=post)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(thread.get_absolute_url())
    if post is None:
        messages.success(request, _("The answer is no longer marked."))
        return redirect(thread.get_absolute_url())
    post.thread = thread
    messages.success(request, _("Marked as the answer."))
    return HttpResponseRedirect(_post_url(post))


@login_required
def thread_promote(request, slug, pk):
    """From discussion to knowledge: a prefilled lesson learned, into moderation."""
    thread = _thread_or_404(request, slug, pk)
    if not permissions.can_promote_thread(request.user, thread):
        raise PermissionDenied
    post = None
    post_id = request.GET.get("post") or request.POST.get("post")
    if post_id:
        post = get_object_or_404(
            Post.objects.select_related("author__profile"),
            pk=post_id if str(post_id).isdigit() else 0,
            thread=thread,
            deleted_at__isnull=True,
            is_hidden=False,
        )
        post.thread = thread
    group_choices = permissions.lesson_group_choices(request.user, thread)
    initial = selectors.lesson_prefill(thread=thread, post=post)
    initial["group"] = group_choices[0] if len(group_choices) == 1 else None
    form = LessonForm(
        request.POST or None, initial=initial, group_choices=group_choices
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resource = services.thread_promote_to_lesson(
                actor=request.user,
                thread=thread,
                post=post,
                group_id=data["group"],
                title=data["title"],
                summary=data["summary"],
                lesson=form.lesson_data(),
                body_text=data["body_text"],
                tags=form.tag_list(),
                visibility=data["visibility"],
                level=data["level"],
                language=data["language"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "“%(title)s” is waiting for the group's moderators to approve "
                    "it. It links back to this discussion."
                )
                % {"title": resource.title},
            )
            return HttpResponseRedirect(
                _post_url(post) if post else thread.get_absolute_url()
            )
    return render(
        request,
        "forums/thread_promote.html",
        {
            "forum": thread.forum,
            "group": thread.forum.group,
            "thread": thread,
            "post": post,
            "form": form,
            "existing": post.resource if post else thread.resource,
        },
    )
