"""Forum threads and replies in the portal's search (see search/documents.py).

Mirrors forums.permissions: a thread (with its first post) is searchable unless
it is hidden or deleted; it is public when its forum is (the Community forum, or
a public-read forum of a live public group), otherwise for the group's members
and staff. Replies are their own documents (hidden and deleted ones never are), of kind
"discussion" with their thread's collapse key: search shows a discussion once,
with its best-matching reply.
"""

from django.conf import settings
from django.db.models import OuterRef, Subquery

from places.matching import countries_mentioned
from search.documents import (
    Kind,
    SearchDocument,
    SearchDocumentProvider,
    document_key,
    plain_text,
    register,
)
from working_groups.models import WorkingGroupPage
from working_groups.search_documents import group_visibility_changed

from .models import Forum, ModerationAction, Post, Thread
from .permissions import forum_is_public

THREAD_SOURCE = "forums.thread"
POST_SOURCE = "forums.post"


def _visibility(forum: Forum) -> tuple[bool, list[int]]:
    public = forum_is_public(forum)
    group_ids = [forum.group_id] if forum.group_id and not public else []
    return public, group_ids


def _forum_visibility_changed(forum: Forum) -> bool:
    """Compare with one indexed thread of the forum: forum saves that change
    nothing about who may read (most of them) reindex nothing."""
    from search.models import IndexedDocument

    thread_ids = Thread.objects.filter(forum=forum).values_list("pk", flat=True)[:50]
    indexed = (
        IndexedDocument.objects.filter(
            key__in=[document_key(THREAD_SOURCE, pk) for pk in thread_ids]
        )
        .values_list("is_public", "working_groups")
        .first()
    )
    if indexed is None:
        return bool(thread_ids)
    public, _group_ids = _visibility(forum)
    groups = [forum.group_id] if forum.group_id else []
    return indexed[0] != public or list(indexed[1]) != groups


def _thread_changed(thread: Thread) -> bool:
    """Replies carry the thread's title and visibility: reindex them only when
    those differ from what is indexed for the thread."""
    from search.models import IndexedDocument

    indexed = (
        IndexedDocument.objects.filter(key=document_key(THREAD_SOURCE, thread.pk))
        .values_list("title", "is_public", "working_groups")
        .first()
    )
    searchable = not thread.is_hidden and thread.deleted_at is None
    if indexed is None:
        return searchable
    if not searchable:
        return True
    public, _group_ids = _visibility(thread.forum)
    groups = [thread.forum.group_id] if thread.forum.group_id else []
    return (
        indexed[0] != thread.title or indexed[1] != public or list(indexed[2]) != groups
    )


def _threads_of_forum(forum: Forum) -> list[int]:
    if not _forum_visibility_changed(forum):
        return []
    return list(Thread.objects.filter(forum=forum).values_list("pk", flat=True))


def _threads_of_group(group: WorkingGroupPage) -> list[int]:
    if not group_visibility_changed(group):
        return []
    return list(Thread.objects.filter(forum__group=group).values_list("pk", flat=True))


def _thread_of_first_post(post: Post) -> list[int]:
    return [post.thread_id] if post.position == 1 else []


def _thread_of_action(action: ModerationAction) -> list[int]:
    # Moderation (hide, move, delete) updates threads with queryset.update(),
    # which sends no signal; the action logged with it does.
    return [action.thread_id] if action.thread_id else []


@register
class ThreadProvider(SearchDocumentProvider):
    label = THREAD_SOURCE
    model = Thread
    dependencies = {
        Forum: _threads_of_forum,
        WorkingGroupPage: _threads_of_group,
        Post: _thread_of_first_post,
        ModerationAction: _thread_of_action,
    }

    def queryset(self):
        # The opening post's text in the same query: no query per thread.
        first = Post.objects.filter(thread=OuterRef("pk"), position=1)
        visible_first = first.filter(is_hidden=False, deleted_at__isnull=True)
        return Thread.objects.select_related(
            "forum", "forum__group", "category"
        ).annotate(opening_html=Subquery(visible_first.values("body_html")[:1]))

    def searchable_queryset(self):
        return self.queryset().filter(is_hidden=False, deleted_at__isnull=True)

    def document(self, thread: Thread) -> SearchDocument | None:
        if thread.is_hidden or thread.deleted_at is not None:
            return None
        body = plain_text(thread.opening_html or "")
        public, group_ids = _visibility(thread.forum)
        return SearchDocument(
            source=self.label,
            object_id=thread.pk,
            kind=Kind.THREAD,
            title=thread.title,
            url=thread.get_absolute_url(),
            forum=thread.forum.slug,
            summary=body[:300],
            body=body,
            tags=[thread.category.name.lower()] if thread.category_id else [],
            language=settings.LANGUAGE_CODE,
            date=thread.created_at,
            is_public=public,
            group_ids=group_ids,
            working_groups=[thread.forum.group_id] if thread.forum.group_id else [],
            # Country pages list the discussions mentioning a country from here.
            countries=countries_mentioned(thread.title, body),
        )


def _posts_of_thread(thread: Thread) -> list[int]:
    if not _thread_changed(thread):
        return []
    return list(Post.objects.filter(thread=thread).values_list("pk", flat=True))


def _posts_of_first_post(post: Post) -> list[int]:
    if post.position != 1 or not _thread_changed(post.thread):
        return []
    return list(
        Post.objects.filter(thread_id=post.thread_id).values_list("pk", flat=True)
    )


def _posts_of_action(action: ModerationAction) -> list[int]:
    if not action.thread_id:
        return []
    return list(
        Post.objects.filter(thread_id=action.thread_id).values_list("pk", flat=True)
    )


def _posts_of_forum(forum: Forum) -> list[int]:
    if not _forum_visibility_changed(forum):
        return []
    return list(Post.objects.filter(thread__forum=forum).values_list("pk", flat=True))


def _posts_of_group(group: WorkingGroupPage) -> list[int]:
    if not group_visibility_changed(group):
        return []
    return list(
        Post.objects.filter(thread__forum__group=group).values_list("pk", flat=True)
    )


@register
class PostProvider(SearchDocumentProvider):
    label = POST_SOURCE
    model = Post
    dependencies = {
        Thread: _posts_of_thread,
        ModerationAction: _posts_of_action,
        Forum: _posts_of_forum,
        WorkingGroupPage: _posts_of_group,
    }

    def queryset(self):
        return Post.objects.select_related(
            "thread", "thread__forum", "thread__forum__group"
        )

    def searchable_queryset(self):
        return self.queryset().filter(
            position__gt=1,
            is_hidden=False,
            deleted_at__isnull=True,
            thread__is_hidden=False,
            thread__deleted_at__isnull=True,
        )

    def dependent_ids(self, instance) -> list[int]:
        if isinstance(instance, Post):
            return _posts_of_first_post(instance)
        return super().dependent_ids(instance)

    def document(self, post: Post) -> SearchDocument | None:
        thread = post.thread
        if (
            post.position == 1  # part of the thread's own document
            or post.is_hidden
            or post.deleted_at is not None
            or thread.is_hidden
            or thread.deleted_at is not None
        ):
            return None
        public, group_ids = _visibility(thread.forum)
        body = plain_text(post.body_html)
        return SearchDocument(
            source=self.label,
            object_id=post.pk,
            kind=Kind.THREAD,
            collapse_key=document_key(THREAD_SOURCE, thread.pk),
            forum=thread.forum.slug,
            title=thread.title,
            url=post.get_absolute_url(),
            summary=body[:300],
            body=body,
            language=settings.LANGUAGE_CODE,
            date=post.created_at,
            is_public=public,
            group_ids=group_ids,
            working_groups=[thread.forum.group_id] if thread.forum.group_id else [],
        )
