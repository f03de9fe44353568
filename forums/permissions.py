"""Who may do what in the forums. Views, templates and services only ask these.

Rules:
- A forum without a group is the open *Community* forum: everyone reads it, every
  signed-in member posts in it.
- A group forum is read by the group's active members, and by everyone when the
  group chose "public to read" (only for a public, live group). Only active
  members post in it.
- Staff moderate every forum. A group's active moderators moderate its forum.
  The Community forum is moderated by staff **and by every active group
  moderator**: the conveners are the community's trusted people, and staff alone
  would not keep up with a forum open to everyone.
- A suspended user reads as before but cannot post, edit, flag or vote on answers
  in that forum until the suspension ends or is lifted.
"""

from django.utils import timezone

from working_groups.models import Visibility
from working_groups.selectors import group_ids_for_user, moderated_group_ids_for_user

from .models import Forum, Post, Thread


def _is_authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(
        getattr(user, "is_active", False)
    )


def _is_staff(user) -> bool:
    return _is_authenticated(user) and bool(
        getattr(user, "is_staff", False) or getattr(user, "is_superuser", False)
    )


def _moderated_group_ids(user) -> set[int]:
    cache_name = "_forum_moderated_group_ids"
    if not hasattr(user, cache_name):
        setattr(user, cache_name, moderated_group_ids_for_user(user=user))
    return getattr(user, cache_name)


def suspended_forum_ids(user) -> set[int]:
    """Forums in which ``user`` is currently suspended (one query per request)."""
    if not _is_authenticated(user):
        return set()
    cache_name = "_forum_suspended_ids"
    if not hasattr(user, cache_name):
        from django.db.models import Q

        from .models import Suspension

        now = timezone.now()
        ids = set(
            Suspension.objects.filter(user=user, lifted_at__isnull=True)
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
            .values_list("forum_id", flat=True)
        )
        setattr(user, cache_name, ids)
    return getattr(user, cache_name)


def forget_cached_rights(user) -> None:
    """Drop what this module cached on ``user`` (after a membership or suspension
    change in the same request)."""
    for name in (
        "_forum_moderated_group_ids",
        "_forum_suspended_ids",
        "_active_group_ids",
    ):
        if hasattr(user, name):
            delattr(user, name)


def forum_is_public(forum: Forum) -> bool:
    """Readable by anyone, visitors and feed readers included."""
    if forum.group_id is None:
        return True
    group = forum.group
    return bool(
        forum.public_read and group.live and group.visibility == Visibility.PUBLIC
    )


def is_suspended(user, forum: Forum) -> bool:
    return forum.pk in suspended_forum_ids(user)


def can_read_forum(user, forum: Forum) -> bool:
    if forum_is_public(forum):
        return True
    if _is_staff(user):
        return True
    return forum.group_id in group_ids_for_user(user=user)


def can_moderate_forum(user, forum: Forum) -> bool:
    if not _is_authenticated(user):
        return False
    if _is_staff(user):
        return True
    if forum.group_id is None:
        return bool(_moderated_group_ids(user))
    return forum.group_id in _moderated_group_ids(user)


def can_post_in_forum(user, forum: Forum) -> bool:
    """Start a thread (and, unless the thread is locked, reply)."""
    if not _is_authenticated(user) or is_suspended(user, forum):
        return False
    if _is_staff(user) or forum.group_id is None:
        return True
    return forum.group_id in group_ids_for_user(user=user)


def can_view_moderation_queue(user, forum: Forum) -> bool:
    return can_moderate_forum(user, forum)


def can_view_feed(forum: Forum) -> bool:
    """Feeds are read anonymously, so only public forums have one."""
    return forum_is_public(forum)


def can_subscribe_to_forum(user, forum: Forum) -> bool:
    return _is_authenticated(user) and can_read_forum(user, forum)


def can_view_thread(user, thread: Thread) -> bool:
    if thread.deleted_at is not None:
        return False
    if not can_read_forum(user, thread.forum):
        return False
    if thread.is_hidden:
        return can_moderate_forum(user, thread.forum) or _is_author(user, thread)
    return True


def can_reply_to_thread(user, thread: Thread) -> bool:
    if not can_view_thread(user, thread):
        return False
    if not can_post_in_forum(user, thread.forum):
        return False
    return not thread.is_locked or can_moderate_forum(user, thread.forum)


def _is_author(user, obj) -> bool:
    return _is_authenticated(user) and obj.author_id == user.pk


def can_edit_post(user, post: Post) -> bool:
    thread = post.thread
    if post.deleted_at is not None or not can_view_thread(user, thread):
        return False
    if can_moderate_forum(user, thread.forum):
        return True
    return (
        _is_author(user, post)
        and not post.is_hidden
        and not thread.is_locked
        and can_post_in_forum(user, thread.forum)
    )


def can_delete_post(user, post: Post) -> bool:
    """Replies only: a thread's first post goes with the thread."""
    if post.position == 1 or post.deleted_at is not None:
        return False
    if not can_view_thread(user, post.thread):
        return False
    if can_moderate_forum(user, post.thread.forum):
        return True
    return _is_author(user, post) and can_post_in_forum(user, post.thread.forum)


def can_delete_thread(user, thread: Thread) -> bool:
    """Moderators, or the author while nobody has replied yet."""
    if not can_view_thread(user, thread):
        return False
    if can_moderate_forum(user, thread.forum):
        return True
    return (
        _is_author(user, thread)
        and thread.reply_count == 0
        and can_post_in_forum(user, thread.forum)
    )


def can_hide_post(user, post: Post) -> bool:
    return post.deleted_at is None and can_moderate_forum(user, post.thread.forum)


def can_view_hidden_post(user, post: Post) -> bool:
    """Hidden posts stay readable to moderators and to their author."""
    return can_moderate_forum(user, post.thread.forum) or _is_author(user, post)


def can_flag_post(user, post: Post) -> bool:
    return (
        _is_authenticated(user)
        and post.deleted_at is None
        and post.author_id != user.pk
        and not is_suspended(user, post.thread.forum)
        and can_view_thread(user, post.thread)
    )


def can_mark_answer(user, thread: Thread) -> bool:
    if not can_view_thread(user, thread):
        return False
    if can_moderate_forum(user, thread.forum):
        return True
    return _is_author(user, thread) and can_post_in_forum(user, thread.forum)


def lesson_group_choices(user, thread: Thread) -> list:
    """Working groups a lesson from ``thread`` may be shared to, as ids; ``None``
    in the list stands for the library itself (staff only).

    A group forum's lessons belong to its group. From the Community forum, a
    lesson goes to a group the user belongs to (the knowledge library accepts
    group-less submissions from staff only).
    """
    if thread.forum.group_id is not None:
        return [thread.forum.group_id]
    choices = sorted(group_ids_for_user(user=user))
    if _is_staff(user):
        choices = [None, *choices]
    return choices


def can_promote_thread(user, thread: Thread) -> bool:
    """Turn the discussion (or one of its replies) into a lesson learned:
    the thread's author or a moderator, with somewhere to share it to."""
    return can_mark_answer(user, thread) and bool(lesson_group_choices(user, thread))


def can_moderate_thread(user, thread: Thread) -> bool:
    """Pin, lock, move, hide: moderators of the thread's forum."""
    return thread.deleted_at is None and can_moderate_forum(user, thread.forum)


def can_view_post(user, post: Post) -> bool:
    """A post is seen where its thread is; hidden ones by moderators and author."""
    if post.deleted_at is not None or not can_view_thread(user, post.thread):
        return False
    return not post.is_hidden or can_view_hidden_post(user, post)


# --- Composer (issue 15): mentions, attachments, reactions --------------------


def can_search_mentions(user, thread: Thread | None, forum: Forum) -> bool:
    """Who may look up people to @mention: members who may write there."""
    if thread is not None:
        return can_reply_to_thread(user, thread)
    return can_post_in_forum(user, forum)


def can_attach_to_post(user, post: Post) -> bool:
    """Attach files while writing or editing one's post (moderators too)."""
    return can_edit_post(user, post)


def can_download_attachment(user, attachment) -> bool:
    """Attachments are for signed-in readers of the post, never visitors."""
    return _is_authenticated(user) and can_view_post(user, attachment.post)


def can_react_to_post(user, post: Post) -> bool:
    """Thank, or find helpful, a post one can read; not one's own, not while
    suspended from the forum."""
    return (
        _is_authenticated(user)
        and post.author_id != user.pk
        and not post.is_hidden
        and not is_suspended(user, post.thread.forum)
        and can_view_post(user, post)
    )
