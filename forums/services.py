"""Writes of the forums. Every function checks its permission first, so a view
that forgets to ask cannot do more than the rules allow.

Changes that alter what a thread or forum shows, or who may read it (title,
hidden, deleted, moved, public to read), are saved with ``save(update_fields=...)``
so post_save reaches the search index; counters use ``update()`` and do not.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import permissions
from .markdown import external_link_count, render
from .models import (
    Category,
    Flag,
    Forum,
    ModerationAction,
    NotificationPreference,
    Post,
    PostRevision,
    Subscription,
    Suspension,
    Thread,
    ThreadReadState,
)
from .rate_limits import check_can_post, check_link_limit

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 20_000


def _deny(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the discussion a title.")})
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": ngettext(
                    "Keep the title under %d character.",
                    "Keep the title under %d characters.",
                    TITLE_MAX_LENGTH,
                )
                % TITLE_MAX_LENGTH
            }
        )
    return title


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {
                "body": ngettext(
                    "Keep a post under %d character.",
                    "Keep a post under %d characters.",
                    BODY_MAX_LENGTH,
                )
                % BODY_MAX_LENGTH
            }
        )
    return body


def _log(
    *, forum, moderator, action, thread=None, post=None, target_user=None, note=""
):
    return ModerationAction.objects.create(
        forum=forum,
        moderator=moderator,
        action=action,
        thread=thread,
        post=post,
        target_user=target_user,
        note=note,
    )


def _acts_as_moderator(user, obj, forum) -> bool:
    """A moderator acting on someone else's content: that goes in the audit log."""
    return obj.author_id != user.pk and permissions.can_moderate_forum(user, forum)


def _queue_notifications(post: Post, *, mentions: set[str], new: bool) -> None:
    from .tasks import post_notify

    post_id = post.pk
    usernames = sorted(mentions)
    transaction.on_commit(
        lambda: post_notify.enqueue(post_id, usernames, new),
    )


# Counters -------------------------------------------------------------------


def thread_counters_refresh(*, thread: Thread) -> Thread:
    """Recount a thread's visible replies and latest visible post."""
    visible = Post.objects.filter(
        thread=thread, deleted_at__isnull=True, is_hidden=False
    )
    last = visible.order_by("-position").first()
    thread.reply_count = visible.filter(position__gt=1).count()
    thread.last_position = (
        Post.objects.filter(thread=thread).aggregate(top=Max("position"))["top"] or 0
    )
    if last is not None:
        thread.last_post = last
        thread.last_post_at = last.created_at
        thread.last_poster_id = last.author_id
    Thread.objects.filter(pk=thread.pk).update(
        reply_count=thread.reply_count,
        last_position=thread.last_position,
        last_post=thread.last_post,
        last_post_at=thread.last_post_at,
        last_poster_id=thread.last_poster_id,
    )
    return thread


def _forum_counters_add(*, forum: Forum, post: Post, threads: int = 0) -> None:
    """A new visible post (and thread): counters by increments, one statement
    whatever the size of the forum."""
    Forum.objects.filter(pk=forum.pk).update(
        thread_count=F("thread_count") + threads,
        post_count=F("post_count") + 1,
        last_post=post,
        last_post_at=post.created_at,
    )


def forum_counters_refresh(*, forum: Forum) -> Forum:
    """Recount a forum's visible threads and posts and find its latest post."""
    threads = Thread.objects.filter(
        forum=forum, deleted_at__isnull=True, is_hidden=False
    )
    totals = threads.aggregate(replies=Sum("reply_count"))
    forum.thread_count = threads.count()
    forum.post_count = forum.thread_count + (totals["replies"] or 0)
    latest = threads.order_by("-last_post_at").first()
    forum.last_post_id = latest.last_post_id if latest else None
    forum.last_post_at = latest.last_post_at if latest else None
    Forum.objects.filter(pk=forum.pk).update(
        thread_count=forum.thread_count,
        post_count=forum.post_count,
        last_post_id=forum.last_post_id,
        last_post_at=forum.last_post_at,
    )
    return forum


# Threads and posts ------------------------------------------------------------


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
def post_hide(*, moderator, post: Post, hidden: bool = True, note: str = "") -> Post:
    """Hide a post from everyone but moderators and its author (or show it again)."""
    _deny(permissions.can_hide_post(moderator, post), _("You cannot hide this post."))
    thread = post.thread
    if post.position == 1:
        # The first post carries the discussion: hiding it hides the thread.
        thread_hide(moderator=moderator, thread=thread, hidden=hidden)
        return post
    post.is_hidden = hidden
    post.hidden_by = moderator if hidden else None
    post.save(update_fields=["is_hidden", "hidden_by"])
    if hidden:
        Flag.objects.filter(post=post, status=Flag.Status.OPEN).update(
            status=Flag.Status.ACTIONED,
            resolved_by=moderator,
            resolved_at=timezone.now(),
        )
        if thread.answer_id == post.pk:
            thread.answer = None
            Thread.objects.filter(pk=thread.pk).update(answer=None)
    thread_counters_refresh(thread=thread)
    forum_counters_refresh(forum=thread.forum)
    _log(
        forum=thread.forum,
        moderator=moderator,
        action=(
            ModerationAction.Action.HIDE_POST
            if hidden
            else ModerationAction.Action.UNHIDE_POST
        ),
        thread=thread,
        post=post,
        target_user=post.author,
        note=note,
    )
    return post


@transaction.atomic
def thread_hide(*, moderator, thread: Thread, hidden: bool = True) -> Thread:
    _deny(
        permissions.can_moderate_thread(moderator, thread),
        _("You cannot moderate this discussion."),
    )
    thread.is_hidden = hidden
    thread.save(update_fields=["is_hidden"])
    if hidden:
        Flag.objects.filter(
            post__thread=thread, post__position=1, status=Flag.Status.OPEN
        ).update(
            status=Flag.Status.ACTIONED,
            resolved_by=moderator,
            resolved_at=timezone.now(),
        )
    forum_counters_refresh(forum=thread.forum)
    _log(
        forum=thread.forum,
        moderator=moderator,
        action=(
            ModerationAction.Action.HIDE_THREAD
            if hidden
            else ModerationAction.Action.UNHIDE_THREAD
        ),
        thread=thread,
        target_user=thread.author,
    )
    return thread


@transaction.atomic
def thread_delete(*, actor, thread: Thread) -> Thread:
    """Soft delete a whole discussion."""
    _deny(
        permissions.can_delete_thread(actor, thread),
        _("You cannot delete this discussion."),
    )
    now = timezone.now()
    thread.deleted_at = now
    thread.deleted_by = actor
    thread.save(update_fields=["deleted_at", "deleted_by"])
    Flag.objects.filter(post__thread=thread, status=Flag.Status.OPEN).update(
        status=Flag.Status.ACTIONED, resolved_by=actor, resolved_at=now
    )
    forum_counters_refresh(forum=thread.forum)
    if _acts_as_moderator(actor, thread, thread.forum):
        _log(
            forum=thread.forum,
            moderator=actor,
            action=ModerationAction.Action.DELETE_THREAD,
            thread=thread,
            target_user=thread.author,
        )
    return thread


@transaction.atomic
def thread_pin(*, moderator, thread: Thread, pinned: bool = True) -> Thread:
    _deny(
        permissions.can_moderate_thread(moderator, thread),
        _("You cannot moderate this discussion."),
    )
    thread.is_pinned = pinned
    thread.save(update_fields=["is_pinned"])
    _log(
        forum=thread.forum,
        moderator=moderator,
        action=ModerationAction.Action.PIN if pinned else ModerationAction.Action.UNPIN,
        thread=thread,
    )
    return thread


@transaction.atomic
def thread_lock(*, moderator, thread: Thread, locked: bool = True) -> Thread:
    _deny(
        permissions.can_moderate_thread(moderator, thread),
        _("You cannot moderate this discussion."),
    )
    thread.is_locked = locked
    thread.save(update_fields=["is_locked"])
    _log(
        forum=thread.forum,
        moderator=moderator,
        action=(
            ModerationAction.Action.LOCK if locked else ModerationAction.Action.UNLOCK
        ),
        thread=thread,
    )
    return thread


@transaction.atomic
def thread_move(
    *, moderator, thread: Thread, forum: Forum, category: Category | None = None
) -> Thread:
    """Move a thread to another forum (or category) both of which ``moderator``
    moderates. Subscriptions follow; readers of the old forum may lose access."""
    _deny(
        permissions.can_moderate_thread(moderator, thread),
        _("You cannot moderate this discussion."),
    )
    _deny(
        permissions.can_moderate_forum(moderator, forum),
        _("You can only move discussions to forums you moderate."),
    )
    if category is not None and category.forum_id != forum.pk:
        raise ValidationError({"category": _("Choose a category of that forum.")})
    source = thread.forum
    if source.pk == forum.pk and thread.category_id == (category and category.pk):
        return thread
    thread.forum = forum
    thread.category = category
    thread.save(update_fields=["forum", "category"])
    forum_counters_refresh(forum=source)
    forum_counters_refresh(forum=forum)
    note = _("From “%(source)s” to “%(target)s”%(category)s") % {
        "source": source.name,
        "target": forum.name,
        "category": f" / {category.name}" if category else "",
    }
    for log_forum in {source.pk: source, forum.pk: forum}.values():
        _log(
            forum=log_forum,
            moderator=moderator,
            action=ModerationAction.Action.MOVE,
            thread=thread,
            note=note,
        )
    return thread


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


# From discussion to knowledge -----------------------------------------------------


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


# Flags, suspensions ---------------------------------------------------------------


@transaction.atomic
def post_flag(*, reporter, post: Post, reason: str, details: str = "") -> Flag:
    """Report a post to the forum's moderators (once per reporter while open)."""
    _deny(permissions.can_flag_post(reporter, post), _("You cannot flag this post."))
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    details = (details or "").strip()[:1000]
    if reason == Flag.Reason.OTHER and not details:
        raise ValidationError({"details": _("Tell the moderators what is wrong.")})
    existing = Flag.objects.filter(
        post=post, reporter=reporter, status=Flag.Status.OPEN
    ).first()
    if existing is not None:
        return existing
    flag = Flag.objects.create(
        post=post, reporter=reporter, reason=reason, details=details
    )
    flag_id = flag.pk
    from .tasks import flag_notify

    transaction.on_commit(lambda: flag_notify.enqueue(flag_id))
    return flag


@transaction.atomic
def flag_dismiss(*, moderator, flag: Flag) -> Flag:
    forum = flag.post.thread.forum
    _deny(
        permissions.can_moderate_forum(moderator, forum),
        _("You cannot moderate this forum."),
    )
    flag.status = Flag.Status.DISMISSED
    flag.resolved_by = moderator
    flag.resolved_at = timezone.now()
    flag.save(update_fields=["status", "resolved_by", "resolved_at"])
    _log(
        forum=forum,
        moderator=moderator,
        action=ModerationAction.Action.DISMISS_FLAG,
        thread=flag.post.thread,
        post=flag.post,
        target_user=flag.post.author,
        note=flag.get_reason_display(),
    )
    return flag


@transaction.atomic
def user_suspend(
    *, moderator, forum: Forum, user, reason: str, ends_at=None
) -> Suspension:
    """Keep ``user`` from posting in ``forum`` until ``ends_at`` (None: until lifted)."""
    _deny(
        permissions.can_moderate_forum(moderator, forum),
        _("You cannot moderate this forum."),
    )
    if user.pk == moderator.pk:
        raise ValidationError(_("You cannot suspend yourself."))
    if permissions.can_moderate_forum(user, forum):
        raise ValidationError(_("Moderators of this forum cannot be suspended here."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the suspension.")})
    if ends_at is not None and ends_at <= timezone.now():
        raise ValidationError({"ends_at": _("Choose an end in the future.")})
    suspension = Suspension.objects.create(
        forum=forum, user=user, reason=reason, suspended_by=moderator, ends_at=ends_at
    )
    permissions.forget_cached_rights(user)
    _log(
        forum=forum,
        moderator=moderator,
        action=ModerationAction.Action.SUSPEND,
        target_user=user,
        note=reason,
    )
    return suspension


@transaction.atomic
def suspension_lift(*, moderator, suspension: Suspension) -> Suspension:
    _deny(
        permissions.can_moderate_forum(moderator, suspension.forum),
        _("You cannot moderate this forum."),
    )
    suspension.lifted_at = timezone.now()
    suspension.lifted_by = moderator
    suspension.save(update_fields=["lifted_at", "lifted_by"])
    permissions.forget_cached_rights(suspension.user)
    _log(
        forum=suspension.forum,
        moderator=moderator,
        action=ModerationAction.Action.UNSUSPEND,
        target_user=suspension.user,
    )
    return suspension


# Reading, subscriptions, preferences ----------------------------------------------


def thread_mark_read(*, user, thread: Thread, position: int) -> None:
    """Remember ``user`` has read up to ``position`` (never moves backwards).

    One upsert statement, so opening a thread page costs the same every time.
    """
    if not getattr(user, "is_authenticated", False) or position < 1:
        return
    table = ThreadReadState._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (user_id, thread_id, last_read_position, updated_at)
            VALUES (%s, %s, %s, %s)
            ON CONFLICT (user_id, thread_id) DO UPDATE
            SET last_read_position = GREATEST(
                    {table}.last_read_position, EXCLUDED.last_read_position),
                updated_at = EXCLUDED.updated_at
            """,
            [user.pk, thread.pk, position, timezone.now()],
        )


@transaction.atomic
def subscription_create(*, user, thread: Thread | None = None, forum=None):
    if thread is not None:
        _deny(
            permissions.can_view_thread(user, thread) and user.is_authenticated,
            _("You cannot follow this discussion."),
        )
        subscription, _created = Subscription.objects.get_or_create(
            user=user, thread=thread
        )
    else:
        _deny(
            permissions.can_subscribe_to_forum(user, forum),
            _("You cannot follow this forum."),
        )
        subscription, _created = Subscription.objects.get_or_create(
            user=user, forum=forum
        )
    return subscription


@transaction.atomic
def subscription_delete(*, user, subscription: Subscription) -> None:
    _deny(
        subscription.user_id == user.pk, _("That subscription belongs to someone else.")
    )
    subscription.delete()


@transaction.atomic
def preference_update(*, user, delivery: str) -> NotificationPreference:
    if delivery not in NotificationPreference.Delivery.values:
        raise ValidationError({"delivery": _("Choose how to receive emails.")})
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    if preference.delivery != delivery:
        preference.delivery = delivery
        preference.save(update_fields=["delivery"])
    return preference


# Administration -------------------------------------------------------------------


@transaction.atomic
def forum_settings_update(
    *, moderator, forum: Forum, public_read: bool, description: str
) -> Forum:
    """A group's moderators decide whether anyone may read their forum."""
    _deny(
        permissions.can_moderate_forum(moderator, forum) and forum.group_id is not None,
        _("Only the group's moderators change this forum's settings."),
    )
    description = (description or "").strip()
    changes = []
    if forum.public_read != public_read:
        changes.append(
            _("Readable by anyone") if public_read else _("Readable by members only")
        )
    if forum.description != description:
        changes.append(_("New description"))
    if not changes:
        return forum
    forum.public_read = public_read
    forum.description = description
    forum.save(update_fields=["public_read", "description"])
    _log(
        forum=forum,
        moderator=moderator,
        action=ModerationAction.Action.SETTINGS,
        note="; ".join(str(change) for change in changes),
    )
    return forum


@transaction.atomic
def forum_for_group_ensure(*, group, public_read: bool = False) -> Forum:
    """The group's forum, created on first need (members-only by default)."""
    forum = Forum.objects.filter(group=group).first()
    if forum is not None:
        return forum
    base = slugify(group.slug)[:90] or f"group-{group.pk}"
    slug, number = base, 2
    while Forum.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return Forum.objects.create(
        group=group,
        name=group.title,
        slug=slug,
        description=group.introduction or "",
        public_read=public_read,
    )


def community_forum_get_or_create() -> Forum:
    forum = Forum.objects.filter(group__isnull=True).order_by("pk").first()
    if forum is None:
        forum, _created = Forum.objects.get_or_create(
            slug="community",
            defaults={
                "name": _("Community"),
                "description": _(
                    "The open forum: every member of the community can take part."
                ),
            },
        )
    return forum
