"""Moderators' writes: hiding, pinning, locking, moving, flags, suspensions and settings."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import (
    Category,
    Flag,
    Forum,
    ModerationAction,
    Post,
    Suspension,
    Thread,
)
from .common import _acts_as_moderator, _deny, _log
from .counters import forum_counters_refresh, thread_counters_refresh


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
    from ..tasks import flag_notify

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
