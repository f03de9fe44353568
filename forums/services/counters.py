"""Denormalised counters of threads and forums (kept by F() updates)."""

from django.db.models import F, Max, Sum

from ..models import (
    Forum,
    Post,
    Thread,
)


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
