"""Forum pages. Views stay thin: selectors read, services write, permissions decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.visibility import hidden, require_visible

from . import permissions, selectors, services, tokens
from .forms import (
    FlagForm,
    ForumSettingsForm,
    LessonForm,
    MoveForm,
    PostEditForm,
    PreferenceForm,
    ReplyForm,
    SuspendForm,
    ThreadForm,
)
from .markdown import quote_markdown
from .models import (
    POSTS_PER_PAGE,
    THREADS_PER_PAGE,
    Flag,
    NotificationPreference,
    Post,
    Subscription,
    Suspension,
)
from .rate_limits import RateLimited

# Helpers -----------------------------------------------------------------------


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


# Reading ------------------------------------------------------------------------


def forum_index(request):
    forums = list(selectors.forum_list(user=request.user))
    return render(
        request,
        "forums/forum_index.html",
        {
            "community_forums": [f for f in forums if f.group_id is None],
            "group_forums": [f for f in forums if f.group_id is not None],
            "moderates_any": any(
                permissions.can_moderate_forum(request.user, f) for f in forums
            ),
            "recent_threads": selectors.thread_list_recent(user=request.user, limit=8),
        },
    )


def forum_detail(request, slug):
    forum = _forum_or_404(request, slug)
    categories = list(forum.categories.all())
    category = None
    if request.GET.get("category"):
        category = next(
            (c for c in categories if c.slug == request.GET["category"]), None
        )
        if category is None:
            raise Http404
    sort = request.GET.get("sort", "activity")
    if sort not in selectors.THREAD_SORTS:
        sort = "activity"
    threads = selectors.thread_list(
        forum=forum, user=request.user, sort=sort, category=category
    )
    page_obj = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "forums/forum_detail.html",
        {
            "forum": forum,
            "group": forum.group,
            "categories": categories,
            "category": category,
            "sort": sort,
            "sorts": [
                ("activity", _("Latest activity")),
                ("newest", _("Newest")),
                ("replies", _("Most replies")),
            ],
            "page_obj": page_obj,
            "threads": page_obj.object_list,
            "can_post": permissions.can_post_in_forum(request.user, forum),
            "is_suspended": permissions.is_suspended(request.user, forum),
            "can_moderate": permissions.can_moderate_forum(request.user, forum),
            "has_feed": permissions.can_view_feed(forum),
            "subscription": selectors.subscription_for(user=request.user, forum=forum),
            "is_member_only": not permissions.forum_is_public(forum),
        },
    )


def thread_detail(request, slug, pk):
    thread = _thread_or_404(request, slug, pk)
    forum = thread.forum
    user = request.user
    paginator = Paginator(selectors.post_list(thread=thread, user=user), POSTS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    posts = list(page_obj.object_list)
    last_read = None
    if user.is_authenticated:
        state = thread.read_states.filter(user=user).first()
        last_read = state.last_read_position if state else 0
    first_unread_id = None
    for post in posts:
        post.thread = thread
        post.actions = _post_actions(user, post, thread)
        post.is_unread = last_read is not None and post.position > last_read
        if post.is_unread and first_unread_id is None:
            first_unread_id = post.pk
        if post.actions["quote"]:
            post.quote_text = quote_markdown(
                text=post.body,
                author_name=post.author.profile.name if post.author else "",
                url=post.get_absolute_url(),
            )
    if posts:
        services.thread_mark_read(user=user, thread=thread, position=posts[-1].position)
    can_reply = permissions.can_reply_to_thread(user, thread)
    return render(
        request,
        "forums/thread_detail.html",
        {
            "forum": forum,
            "group": forum.group,
            "thread": thread,
            "page_obj": page_obj,
            "posts": posts,
            "first_unread_id": first_unread_id,
            "reply_form": ReplyForm() if can_reply else None,
            "can_reply": can_reply,
            "is_suspended": permissions.is_suspended(user, forum),
            "can_moderate": permissions.can_moderate_thread(user, thread),
            "can_delete_thread": permissions.can_delete_thread(user, thread),
            "can_promote": permissions.can_promote_thread(user, thread),
            "can_subscribe": user.is_authenticated,
            "subscription": selectors.subscription_for(user=user, thread=thread),
            "answer": thread.answer
            if thread.answer and not thread.answer.deleted_at
            else None,
        },
    )


@login_required
def thread_unread(request, slug, pk):
    """Jump to the first post the user has not read yet."""
    thread = _thread_or_404(request, slug, pk)
    position = selectors.first_unread_position(thread=thread, user=request.user)
    post = selectors.post_at_or_after(thread=thread, position=position)
    if post is None:
        return redirect(thread.get_absolute_url())
    post.thread = thread
    return HttpResponseRedirect(_post_url(post))


def post_permalink(request, pk):
    """/forums/post/<id>/ → the thread page holding the post, at the post."""
    post = _post_or_404(request, pk)
    return HttpResponseRedirect(_post_url(post))


def post_history(request, pk):
    post = _post_or_404(request, pk)
    if not (
        permissions.can_moderate_forum(request.user, post.thread.forum)
        or (request.user.is_authenticated and post.author_id == request.user.pk)
    ):
        raise PermissionDenied
    return render(
        request,
        "forums/post_history.html",
        {
            "post": post,
            "thread": post.thread,
            "forum": post.thread.forum,
            "revisions": selectors.post_revisions(post=post),
        },
    )


# Writing ------------------------------------------------------------------------


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
    form = ThreadForm(request.POST or None, forum=forum, initial=initial)
    context = {"forum": forum, "group": forum.group, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_create(
                author=request.user,
                forum=forum,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                category=form.cleaned_data.get("category"),
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
    form = ReplyForm(request.POST or None, initial=initial)
    context = {
        "forum": thread.forum,
        "group": thread.forum.group,
        "thread": thread,
        "form": form,
        "quoted": quoted,
    }
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(
                author=request.user,
                thread=thread,
                body=form.cleaned_data["body"],
                quoted_post=quoted,
            )
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
        first_post=first,
        initial={"body": post.body, "title": thread.title},
    )
    context = {"forum": thread.forum, "thread": thread, "post": post, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                editor=request.user,
                post=post,
                body=form.cleaned_data["body"],
                title=form.cleaned_data.get("title"),
            )
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


# Moderation ------------------------------------------------------------------------

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


# Subscriptions, preferences, feed --------------------------------------------------


@require_POST
@login_required
def thread_subscribe(request, slug, pk):
    thread = _thread_or_404(request, slug, pk)
    if request.POST.get("action") == "unfollow":
        subscription = selectors.subscription_for(user=request.user, thread=thread)
        if subscription:
            services.subscription_delete(user=request.user, subscription=subscription)
        messages.success(request, _("You no longer follow this discussion."))
    else:
        services.subscription_create(user=request.user, thread=thread)
        messages.success(request, _("You follow this discussion."))
    return redirect(thread.get_absolute_url())


@require_POST
@login_required
def forum_subscribe(request, slug):
    forum = _forum_or_404(request, slug)
    if request.POST.get("action") == "unfollow":
        subscription = selectors.subscription_for(user=request.user, forum=forum)
        if subscription:
            services.subscription_delete(user=request.user, subscription=subscription)
        messages.success(request, _("You no longer follow this forum."))
    else:
        services.subscription_create(user=request.user, forum=forum)
        messages.success(request, _("You follow this forum."))
    return redirect(forum.get_absolute_url())


@login_required
def preferences(request):
    preference = selectors.preference_for(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST":
        if request.POST.get("unfollow"):
            subscription = get_object_or_404(
                Subscription, pk=request.POST["unfollow"], user=request.user
            )
            services.subscription_delete(user=request.user, subscription=subscription)
            messages.success(request, _("Unfollowed."))
            return redirect("forums:preferences")
        if form.is_valid():
            preference = services.preference_update(
                user=request.user, delivery=form.cleaned_data["delivery"]
            )
            if preference.email_mentions != form.cleaned_data["email_mentions"]:
                preference.email_mentions = form.cleaned_data["email_mentions"]
                preference.save(update_fields=["email_mentions"])
            messages.success(request, _("Your email settings are saved."))
            return redirect("forums:preferences")
    return render(
        request,
        "forums/preferences.html",
        {"form": form, "subscriptions": selectors.subscription_list(user=request.user)},
    )


@csrf_exempt
def unsubscribe(request, token):
    """One-click unsubscribe from an email: no sign-in, only the token's owner.

    GET asks for confirmation (mail scanners follow links); POST unsubscribes,
    including RFC 8058 one-click POSTs from mail clients, which carry no CSRF
    token: the signed token is the credential.
    """
    payload = tokens.unsubscribe_read(token)
    if payload is None:
        return render(request, "forums/unsubscribe.html", {"invalid": True}, status=400)
    subscription = None
    if payload["k"] == tokens.SUBSCRIPTION:
        subscription = (
            Subscription.objects.filter(pk=payload.get("s"), user_id=payload["u"])
            .select_related("thread", "forum")
            .first()
        )
    what = ""
    if subscription is not None:
        what = (
            subscription.thread.title
            if subscription.thread
            else subscription.forum.name
        )
    context = {
        "scope": payload["k"],
        "subscription": subscription,
        "what": what,
        "done": False,
        "gone": payload["k"] == tokens.SUBSCRIPTION and subscription is None,
    }
    if request.method == "POST" and not context["gone"]:
        if subscription is not None:
            subscription.delete()
        else:
            preference, _created = NotificationPreference.objects.get_or_create(
                user_id=payload["u"]
            )
            if payload["k"] == tokens.MENTIONS:
                preference.email_mentions = False
            else:
                preference.delivery = NotificationPreference.Delivery.OFF
            preference.save()
        context["done"] = True
    return render(request, "forums/unsubscribe.html", context)


def forum_feed(request, slug):
    from .feeds import ForumFeed

    forum = selectors.forum_get(slug=slug)
    if forum is None or not permissions.can_view_feed(forum):
        raise Http404
    return ForumFeed()(request, slug=slug)
