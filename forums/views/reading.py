"""Reading the forums: index, a forum, a thread, permalinks, history and feeds."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import permissions, selectors, services
from ..forms import (
    ReplyForm,
)
from ..markdown import quote_markdown
from ..models import (
    POSTS_PER_PAGE,
    THREADS_PER_PAGE,
)
from .common import (
    _forum_or_404,
    _post_actions,
    _post_or_404,
    _post_url,
    _thread_or_404,
)


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


def forum_feed(request, slug):
    from ..feeds import ForumFeed

    forum = selectors.forum_get(slug=slug)
    if forum is None or not permissions.can_view_feed(forum):
        raise Http404
    return ForumFeed()(request, slug=slug)
