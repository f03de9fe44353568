"""Reads of the forums, always scoped to what the user may see."""

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from working_groups.models import Visibility
from working_groups.selectors import group_ids_for_user

from .models import (
    Flag,
    Forum,
    ModerationAction,
    NotificationPreference,
    Post,
    Subscription,
    Suspension,
    Thread,
    ThreadReadState,
)
from .permissions import _is_staff, can_moderate_forum

THREAD_SORTS = {
    "activity": ("-last_post_at", "-pk"),
    "newest": ("-created_at", "-pk"),
    "replies": ("-reply_count", "-last_post_at", "-pk"),
}


def readable_forums_q(*, user, prefix: str = "") -> Q:
    """Filter (on Forum, or on a model reaching Forum through ``prefix``) keeping
    only the forums ``user`` may read. Mirrors permissions.can_read_forum."""
    if _is_staff(user):
        return Q()
    p = prefix
    return (
        Q(**{f"{p}group__isnull": True})
        | Q(
            **{
                f"{p}public_read": True,
                f"{p}group__live": True,
                f"{p}group__visibility": Visibility.PUBLIC,
            }
        )
        | Q(**{f"{p}group_id__in": group_ids_for_user(user=user)})
    )


def forum_list(*, user) -> QuerySet[Forum]:
    """Forums the user may read, the Community forum first, then by group."""
    return (
        Forum.objects.filter(readable_forums_q(user=user))
        .select_related("group", "last_post__thread", "last_post__author__profile")
        .order_by(F("group__path").asc(nulls_first=True), "sort_order", "name")
    )


def forum_get(*, slug: str) -> Forum | None:
    """The forum with its group loaded; the caller checks can_read_forum."""
    return (
        Forum.objects.select_related("group")
        .prefetch_related("categories")
        # categories are few per forum
        .filter(slug=slug)
        .first()
    )


def forum_for_group(*, group) -> Forum | None:
    return Forum.objects.select_related("group").filter(group=group).first()


def _visible_threads(*, user, moderator: bool = False) -> QuerySet[Thread]:
    threads = Thread.objects.filter(deleted_at__isnull=True)
    if not moderator:
        threads = threads.filter(is_hidden=False)
    return threads


def annotate_unread(threads: QuerySet[Thread], *, user) -> QuerySet[Thread]:
    """``last_read_position`` (None: never opened) and ``is_unread`` per thread."""
    if not getattr(user, "is_authenticated", False):
        return threads.annotate(
            last_read_position=Value(None, output_field=IntegerField()),
            is_unread=Value(False, output_field=BooleanField()),
        )
    read = ThreadReadState.objects.filter(user=user, thread=OuterRef("pk"))
    return threads.annotate(
        last_read_position=Subquery(read.values("last_read_position")[:1])
    ).annotate(
        is_unread=Case(
            When(last_read_position__isnull=True, then=Value(True)),
            When(last_position__gt=F("last_read_position"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def thread_list(
    *, forum: Forum, user, sort: str = "activity", category=None
) -> QuerySet[Thread]:
    """A forum's threads, pinned first, then by ``sort`` (see THREAD_SORTS)."""
    threads = _visible_threads(
        user=user, moderator=can_moderate_forum(user, forum)
    ).filter(forum=forum)
    if category is not None:
        threads = threads.filter(category=category)
    order = THREAD_SORTS.get(sort, THREAD_SORTS["activity"])
    threads = threads.select_related(
        "forum", "author__profile", "last_poster__profile", "category"
    ).order_by("-is_pinned", *order)
    return annotate_unread(threads, user=user)


def thread_list_recent(*, user, limit: int = 5, group=None) -> list[Thread]:
    """Latest active discussions the user may read (home page, group pages).

    ``group`` narrows to that working group's forum.
    """
    threads = _visible_threads(user=user).filter(
        readable_forums_q(user=user, prefix="forum__")
    )
    if group is not None:
        threads = threads.filter(forum__group=group)
    return list(
        threads.select_related("forum", "last_poster__profile").order_by(
            "-last_post_at", "-pk"
        )[:limit]
    )


def thread_get(*, forum: Forum, pk: int) -> Thread | None:
    """The thread of ``forum`` (deleted ones too); the caller checks can_view_thread."""
    return (
        Thread.objects.select_related(
            "forum__group",
            "author__profile",
            "category",
            "answer__author__profile",
            "resource",
        )
        .filter(forum=forum, pk=pk)
        .first()
    )


def post_get(*, pk: int) -> Post | None:
    return (
        Post.objects.select_related("thread__forum__group", "author__profile")
        .filter(pk=pk)
        .first()
    )


def post_list(*, thread: Thread, user) -> QuerySet[Post]:
    """Every post of the thread in order, deleted and hidden ones included (the
    template shows them as placeholders) so positions and pages stay stable."""
    posts = (
        Post.objects.filter(thread=thread)
        .select_related("author__profile", "edited_by__profile", "resource")
        .prefetch_related("attachments")
        .order_by("position")
    )
    if can_moderate_forum(user, thread.forum):
        posts = posts.annotate(
            open_flag_count=Count("flags", filter=Q(flags__status=Flag.Status.OPEN))
        )
    return posts


def first_unread_position(*, thread: Thread, user) -> int:
    """Position of the first post ``user`` has not read (1 if never opened)."""
    state = ThreadReadState.objects.filter(user=user, thread=thread).first()
    if state is None:
        return 1
    return min(state.last_read_position + 1, max(thread.last_position, 1))


def post_at_or_after(*, thread: Thread, position: int) -> Post | None:
    return (
        Post.objects.filter(thread=thread, position__gte=position)
        .order_by("position")
        .first()
    )


def post_revisions(*, post: Post):
    return post.revisions.select_related("edited_by__profile")


def flag_list_open(*, group) -> QuerySet[Flag]:
    """Open flags on posts of ``group``'s forum (``None``: the Community forum).

    For the group moderation dashboard; the caller checks the viewer moderates.
    """
    flags = Flag.objects.filter(status=Flag.Status.OPEN, post__deleted_at__isnull=True)
    if group is None:
        flags = flags.filter(post__thread__forum__group__isnull=True)
    else:
        flags = flags.filter(post__thread__forum__group=group)
    return flags.select_related(
        "post__thread__forum", "post__author__profile", "reporter__profile"
    ).order_by("-created_at")


def flag_list_open_for_forum(*, forum: Forum) -> QuerySet[Flag]:
    return (
        Flag.objects.filter(
            status=Flag.Status.OPEN,
            post__deleted_at__isnull=True,
            post__thread__forum=forum,
        )
        .select_related(
            "post__thread__forum", "post__author__profile", "reporter__profile"
        )
        .order_by("-created_at")
    )


def forums_moderated_by(*, user) -> list[Forum]:
    return [forum for forum in forum_list(user=user) if can_moderate_forum(user, forum)]


def moderation_log(*, forum: Forum) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.filter(forum=forum).select_related(
        "moderator__profile", "thread", "post", "target_user__profile"
    )


def suspension_list_active(*, forum: Forum) -> list[Suspension]:
    suspensions = Suspension.objects.filter(
        forum=forum, lifted_at__isnull=True
    ).select_related("user__profile", "suspended_by__profile")
    return [suspension for suspension in suspensions if suspension.is_active()]


def subscription_for(*, user, thread: Thread | None = None, forum=None):
    if not getattr(user, "is_authenticated", False):
        return None
    if thread is not None:
        return Subscription.objects.filter(user=user, thread=thread).first()
    return Subscription.objects.filter(user=user, forum=forum).first()


def subscription_list(*, user) -> QuerySet[Subscription]:
    """What ``user`` follows and may still read: after leaving a group, its
    members-only threads and forum drop out (their titles are not theirs to
    see any more, and nothing about them is emailed)."""
    followed_threads = (
        Q(thread__isnull=False)
        & readable_forums_q(user=user, prefix="thread__forum__")
        & Q(thread__deleted_at__isnull=True, thread__is_hidden=False)
    )
    followed_forums = Q(forum__isnull=False) & readable_forums_q(
        user=user, prefix="forum__"
    )
    return (
        Subscription.objects.filter(user=user)
        .filter(followed_threads | followed_forums)
        .select_related("thread__forum", "forum")
    )


def preference_for(*, user) -> NotificationPreference:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference or NotificationPreference(user=user)


def forum_feed_threads(*, forum: Forum, limit: int = 30) -> QuerySet[Thread]:
    """Newest visible threads of a public forum, with their first post."""
    return (
        Thread.objects.filter(forum=forum, deleted_at__isnull=True, is_hidden=False)
        .select_related("author__profile")
        .order_by("-created_at")[:limit]
    )


def lesson_prefill(*, thread: Thread, post: Post | None = None) -> dict:
    """A lesson learned drafted from the discussion, for the promote form.

    The question comes from the first post; what was done from the chosen reply
    (or the accepted answer); the whole visible exchange goes in the body. The
    lesson itself is left for a person to write: that is the step from tacit to
    explicit knowledge.
    """
    from django.utils.translation import gettext as _

    from .markdown import plain_excerpt
    from .permissions import forum_is_public

    posts = list(
        Post.objects.filter(thread=thread, deleted_at__isnull=True, is_hidden=False)
        .select_related("author__profile")
        .order_by("position")
    )
    first = posts[0] if posts else None
    chosen = post
    if chosen is None and thread.answer_id:
        chosen = next((p for p in posts if p.pk == thread.answer_id), None)

    def name(p):
        return p.author.profile.name if p and p.author else _("a former member")

    people = []
    for p in posts:
        if name(p) not in people:
            people.append(name(p))
    context = ""
    if first is not None:
        context = _(
            "Discussed in the forum “%(forum)s” from %(start)s to %(end)s: "
            "%(count)d contributions from %(people)s."
        ) % {
            "forum": thread.forum.name,
            "start": first.created_at.date().isoformat(),
            "end": posts[-1].created_at.date().isoformat(),
            "count": len(posts),
            "people": ", ".join(people),
        }
    transcript = "\n\n".join(
        f"{name(p)} ({p.created_at.date().isoformat()}):\n{p.body}" for p in posts
    )
    source = chosen or first
    contact_user = (chosen or first).author if (chosen or first) else None
    return {
        "title": thread.title,
        "summary": plain_excerpt(source.body_html, 300) if source else "",
        "context": context,
        "challenge": first.body if first else "",
        "what_was_done": chosen.body if chosen else "",
        "result": "",
        "lesson": "",
        "recommendation": "",
        "contact": (
            f"{contact_user.profile.name} (@{contact_user.profile.handle})"
            if contact_user
            else ""
        ),
        "body_text": transcript,
        "tags": thread.category.name if thread.category_id else "",
        "visibility": "public" if forum_is_public(thread.forum) else "members",
        "level": "all-levels",
        "language": "en",
    }


# --- Composer (issue 15) --------------------------------------------------------

MENTION_SUGGESTIONS = 8


def thread_readers_q(*, forum: Forum, thread: Thread | None = None) -> Q:
    """Filter on User keeping the people who may read ``thread`` (or ``forum``).
    Mirrors permissions.can_view_thread, as one query for many people."""
    from working_groups.models import Membership

    active = Membership.Status.ACTIVE
    staff = Q(is_staff=True) | Q(is_superuser=True)
    readers = Q(is_active=True)
    if thread is not None and thread.is_hidden:
        if forum.group_id is None:
            moderators = Q(
                memberships__status=active,
                memberships__role=Membership.Role.MODERATOR,
            )
        else:
            moderators = Q(
                memberships__group_id=forum.group_id,
                memberships__status=active,
                memberships__role=Membership.Role.MODERATOR,
            )
        return readers & (staff | moderators | Q(pk=thread.author_id))
    from .permissions import forum_is_public

    if forum_is_public(forum):
        return readers
    return readers & (
        staff | Q(memberships__group_id=forum.group_id, memberships__status=active)
    )


def mention_candidates(
    *,
    user,
    forum: Forum,
    thread: Thread | None,
    q: str,
    limit: int = MENTION_SUGGESTIONS,
) -> list[dict]:
    """People to @mention whose display name (or handle) starts a word with
    ``q``, among those who may read the thread. Only the public name and the
    member-chosen handle come back: never a username or an email address."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    q = " ".join((q or "").split())[:60]
    if not q:
        return []
    users = get_user_model().objects.filter(
        thread_readers_q(forum=forum, thread=thread)
    )
    matches = Q(profile__display_name__istartswith=q) | Q(
        profile__display_name__icontains=f" {q}"
    )
    matches |= Q(profile__handle__istartswith=q.lstrip("@").lower())
    # Exists, not a join: a member of several groups is listed once.
    people = (
        get_user_model()
        .objects.filter(Exists(users.filter(pk=OuterRef("pk"))))
        .filter(matches)
        .exclude(pk=user.pk)
        .select_related("profile")
        .order_by("profile__display_name", "pk")[:limit]
    )
    return [
        {
            "handle": person.profile.handle,
            "name": person.profile.name,
            "avatar_url": person.profile.avatar_url,
        }
        for person in people
    ]


def post_reactions_summary(*, posts, user) -> None:
    """Set ``reaction_counts`` ({kind: n}) and ``my_reactions`` (kinds) on each
    post: two queries for the whole page."""
    from .models import PostReaction

    ids = [post.pk for post in posts]
    counts: dict[int, dict[str, int]] = {}
    for row in (
        PostReaction.objects.filter(post_id__in=ids)
        .values("post_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts.setdefault(row["post_id"], {})[row["kind"]] = row["n"]
    mine: dict[int, set[str]] = {}
    if getattr(user, "is_authenticated", False):
        for post_id, kind in PostReaction.objects.filter(
            post_id__in=ids, user=user
        ).values_list("post_id", "kind"):
            mine.setdefault(post_id, set()).add(kind)
    for post in posts:
        post.reaction_counts = counts.get(post.pk, {})
        post.my_reactions = mine.get(post.pk, set())
        post.reaction_list = [
            {
                "kind": kind,
                "label": label,
                "count": post.reaction_counts.get(kind, 0),
                "mine": kind in post.my_reactions,
            }
            for kind, label in PostReaction.Kind.choices
        ]


# --- Notifications (issue 15): what a reader may still see, in SQL ----------------


def moderated_forums_q(*, user, prefix: str = "") -> Q:
    """Forums ``user`` moderates (mirrors permissions.can_moderate_forum)."""
    from .permissions import _moderated_group_ids

    if _is_staff(user):
        return Q()
    moderated = _moderated_group_ids(user)
    q = Q(**{f"{prefix}group_id__in": moderated})
    if moderated:
        q |= Q(**{f"{prefix}group__isnull": True})
    return q


def visible_threads_q(*, user, prefix: str = "") -> Q:
    """Filter (on Thread, or through ``prefix``) keeping the threads ``user``
    may see. Mirrors permissions.can_view_thread."""
    p = prefix
    shown = Q(**{f"{p}is_hidden": False}) | moderated_forums_q(
        user=user, prefix=f"{p}forum__"
    )
    if getattr(user, "is_authenticated", False):
        shown |= Q(**{f"{p}author_id": user.pk})
    return (
        Q(**{f"{p}deleted_at__isnull": True})
        & readable_forums_q(user=user, prefix=f"{p}forum__")
        & shown
    )


def visible_posts_q(*, user) -> Q:
    """Filter on Post keeping the posts ``user`` may see. Mirrors
    permissions.can_view_post."""
    shown = Q(is_hidden=False) | moderated_forums_q(user=user, prefix="thread__forum__")
    if getattr(user, "is_authenticated", False):
        shown |= Q(author_id=user.pk)
    return (
        Q(deleted_at__isnull=True)
        & visible_threads_q(user=user, prefix="thread__")
        & shown
    )
