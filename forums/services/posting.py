"""Writing: new threads, replies, edits, deletions, answers and lessons learned."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..markdown import external_link_count, render
from ..models import (
    Category,
    Flag,
    Forum,
    ModerationAction,
    Post,
    PostRevision,
    Subscription,
    Thread,
)
from ..rate_limits import check_can_post, check_link_limit
from .common import _acts_as_moderator, _clean_body, _clean_title, _deny, _log
from .counters import (
    _forum_counters_add,
    forum_counters_refresh,
    thread_counters_refresh,
)
from .subscriptions import thread_mark_read


def _queue_notifications(post: Post, *, mentions: set[str], new: bool) -> None:
    from ..tasks import post_notify

    post_id = post.pk
    usernames = sorted(mentions)
    transaction.on_commit(
        lambda: post_notify.enqueue(post_id, usernames, new),
    )


# Advisory lock class for "one member posts one thing at a time".
POSTING_LOCK_NAMESPACE = 0x7A5D


def _check_rate_limits(*, user, forum, kind, html) -> None:
    """Count-then-insert must not race: the member's posting lock (held to the
    end of the transaction, across processes and hosts) serialises it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [POSTING_LOCK_NAMESPACE, user.pk % 2**31],
        )
    check_can_post(
        user=user,
        kind=kind,
        external_links=external_link_count(html),
        exempt_new_account=permissions.can_moderate_forum(user, forum),
    )


@transaction.atomic
def thread_create(
    *,
    author,
    forum: Forum,
    title: str,
    body: str,
    category: Category | None = None,
    rate_limited: bool = True,
    notify: bool = True,
) -> Thread:
    """Start a discussion: the thread and its first post.

    ``rate_limited`` and ``notify`` are switched off by the demo loader only.
    """
    _deny(
        permissions.can_post_in_forum(author, forum),
        _("You cannot start a discussion in this forum."),
    )
    title = _clean_title(title)
    body = _clean_body(body)
    if category is not None and category.forum_id != forum.pk:
        raise ValidationError({"category": _("Choose a category of this forum.")})
    html, mentions = render(body)
    if rate_limited:
        _check_rate_limits(user=author, forum=forum, kind="thread", html=html)
    now = timezone.now()
    thread = Thread.objects.create(
        forum=forum,
        category=category,
        title=title,
        author=author,
        created_at=now,
        last_post_at=now,
        last_poster=author,
        last_position=1,
    )
    post = Post.objects.create(
        thread=thread,
        author=author,
        position=1,
        body=body,
        body_html=html,
        created_at=now,
    )
    thread.last_post = post
    Thread.objects.filter(pk=thread.pk).update(last_post=post)
    _forum_counters_add(forum=forum, post=post, threads=1)
    Subscription.objects.get_or_create(user=author, thread=thread)
    thread_mark_read(user=author, thread=thread, position=1)
    if notify:
        _queue_notifications(post, mentions=mentions, new=True)
    return thread


@transaction.atomic
def post_create(
    *,
    author,
    thread: Thread,
    body: str,
    quoted_post: Post | None = None,
    rate_limited: bool = True,
    notify: bool = True,
) -> Post:
    """Reply to a thread. Positions are handed out under a row lock."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("forum__group")
        .get(pk=thread.pk)
    )
    _deny(
        permissions.can_reply_to_thread(author, thread),
        _("You cannot reply to this discussion."),
    )
    body = _clean_body(body)
    if quoted_post is not None and quoted_post.thread_id != thread.pk:
        quoted_post = None
    html, mentions = render(body)
    if rate_limited:
        _check_rate_limits(user=author, forum=thread.forum, kind="reply", html=html)
    post = Post.objects.create(
        thread=thread,
        author=author,
        position=thread.last_position + 1,
        body=body,
        body_html=html,
        quoted_post=quoted_post,
    )
    if thread.is_hidden or thread.deleted_at is not None:
        # Hidden threads are left out of the visible counts: recount.
        thread_counters_refresh(thread=thread)
        forum_counters_refresh(forum=thread.forum)
    else:
        Thread.objects.filter(pk=thread.pk).update(
            reply_count=F("reply_count") + 1,
            last_position=post.position,
            last_post=post,
            last_post_at=post.created_at,
            last_poster_id=author.pk,
        )
        _forum_counters_add(forum=thread.forum, post=post)
    Subscription.objects.get_or_create(user=author, thread=thread)
    thread_mark_read(user=author, thread=thread, position=post.position)
    if notify:
        _queue_notifications(post, mentions=mentions, new=True)
    return post


@transaction.atomic
def post_edit(*, editor, post: Post, body: str, title: str | None = None) -> Post:
    """Change a post's text, keeping the previous text in its history.

    ``title`` renames the thread when ``post`` is its first post.
    """
    _deny(permissions.can_edit_post(editor, post), _("You cannot edit this post."))
    body = _clean_body(body)
    thread = post.thread
    new_title = (
        _clean_title(title) if title is not None and post.position == 1 else None
    )
    changed_title = new_title is not None and new_title != thread.title
    if body == post.body and not changed_title:
        return post
    if body != post.body:
        _old_html, old_mentions = render(post.body)
        html, mentions = render(body)
        check_link_limit(
            user=editor,
            external_links=external_link_count(html),
            exempt_new_account=permissions.can_moderate_forum(editor, thread.forum),
        )
        PostRevision.objects.create(
            post=post, previous_body=post.body, edited_by=editor
        )
        post.body = body
        post.body_html = html
        post.edited_at = timezone.now()
        post.edited_by = editor
        post.save(update_fields=["body", "body_html", "edited_at", "edited_by"])
        _queue_notifications(post, mentions=mentions - old_mentions, new=False)
    if changed_title:
        thread.title = new_title
        thread.save(update_fields=["title"])
    if _acts_as_moderator(editor, post, thread.forum):
        _log(
            forum=thread.forum,
            moderator=editor,
            action=ModerationAction.Action.EDIT_POST,
            thread=thread,
            post=post,
            target_user=post.author,
        )
    return post


@transaction.atomic
def post_delete(*, actor, post: Post) -> Post:
    """Soft delete: the post stays in the database and shows as deleted."""
    _deny(permissions.can_delete_post(actor, post), _("You cannot delete this post."))
    thread = post.thread
    post.deleted_at = timezone.now()
    post.deleted_by = actor
    post.save(update_fields=["deleted_at", "deleted_by"])
    if thread.answer_id == post.pk:
        thread.answer = None
        Thread.objects.filter(pk=thread.pk).update(answer=None)
    Flag.objects.filter(post=post, status=Flag.Status.OPEN).update(
        status=Flag.Status.ACTIONED, resolved_by=actor, resolved_at=timezone.now()
    )
    thread_counters_refresh(thread=thread)
    forum_counters_refresh(forum=thread.forum)
    if _acts_as_moderator(actor, post, thread.forum):
        _log(
            forum=thread.forum,
            moderator=actor,
            action=ModerationAction.Action.DELETE_POST,
            thread=thread,
            post=post,
            target_user=post.author,
        )
    return post


@transaction.atomic
def thread_mark_answer(*, actor, thread: Thread, post: Post | None) -> Thread:
    """Mark ``post`` as the answer to the question (``None`` clears it)."""
    _deny(
        permissions.can_mark_answer(actor, thread),
        _("Only the author of the discussion or a moderator can mark the answer."),
    )
    if post is not None:
        if post.thread_id != thread.pk or post.position == 1:
            raise ValidationError(_("Choose a reply of this discussion."))
        if post.deleted_at is not None or post.is_hidden:
            raise ValidationError(_("A deleted or hidden post cannot be the answer."))
    thread.answer = post
    Thread.objects.filter(pk=thread.pk).update(answer=post)
    if thread.author_id != actor.pk:
        _log(
            forum=thread.forum,
            moderator=actor,
            action=(
                ModerationAction.Action.MARK_ANSWER
                if post
                else ModerationAction.Action.UNMARK_ANSWER
            ),
            thread=thread,
            post=post,
        )
    return thread


@transaction.atomic
def thread_promote_to_lesson(
    *,
    actor,
    thread: Thread,
    post: Post | None = None,
    group_id: int | None,
    title: str,
    summary: str,
    lesson: dict,
    body_text: str = "",
    tags=(),
    visibility: str = "public",
    level: str = "all-levels",
    language: str = "en",
):
    """Turn the discussion (or one reply) into a ``lesson-learned`` resource.

    The resource is a draft in its group's moderation workflow (see
    knowledge.services.resource_submit) and links back to the discussion; the
    thread (or the reply) links to it. The discussion's title travels with the
    link only when the resource's readers can also read the discussion.
    """
    from knowledge.services import resource_submit
    from knowledge.vocabulary import Format, KnowledgeType
    from working_groups.models import WorkingGroupPage

    _deny(
        permissions.can_promote_thread(actor, thread),
        _("Only the author of the discussion or a moderator can do this."),
    )
    if post is not None:
        if post.thread_id != thread.pk or post.deleted_at or post.is_hidden:
            raise ValidationError(_("Choose a visible reply of this discussion."))
    if group_id not in permissions.lesson_group_choices(actor, thread):
        raise ValidationError({"group": _("Choose one of your working groups.")})
    group = WorkingGroupPage.objects.get(pk=group_id) if group_id else None
    # A path on this site: right on every host the portal is served from.
    source_url = (
        post.get_absolute_url() if post is not None else thread.get_absolute_url()
    )
    same_audience = permissions.forum_is_public(thread.forum) or visibility == "members"
    resource = resource_submit(
        submitter=actor,
        group=group,
        title=title,
        summary=summary,
        format=Format.LESSON_LEARNED,
        knowledge_type=KnowledgeType.TACIT,
        level=level,
        language=language,
        visibility=visibility,
        tags=tags,
        lesson=lesson,
        body_text=body_text,
        discussion_url=source_url,
        discussion_title=thread.title if same_audience else "",
    )
    if post is not None:
        post.resource = resource
        Post.objects.filter(pk=post.pk).update(resource=resource)
    else:
        thread.resource = resource
        Thread.objects.filter(pk=thread.pk).update(resource=resource)
    if permissions.can_moderate_forum(actor, thread.forum):
        _log(
            forum=thread.forum,
            moderator=actor,
            action=ModerationAction.Action.PROMOTE,
            thread=thread,
            post=post,
            note=resource.title,
        )
    return resource
