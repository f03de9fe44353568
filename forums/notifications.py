"""Emails about forum activity: new posts, @mentions, flags and digests.

Every post emailed to someone is recorded in EmailDelivery first (unique per user
and post), so no post ever reaches the same person twice, whichever way it came.
"""

import logging
import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from languages.mail import lazy_percent
from languages.selectors import languages_for_emails
from portal import visibility
from portal.mail import mail_batch, mail_queue
from working_groups.models import Membership

from . import tokens
from .markdown import plain_excerpt
from .models import (
    EmailDelivery,
    Flag,
    NotificationPreference,
    Post,
    Subscription,
)
from .selectors import readable_forums_q

logger = logging.getLogger(__name__)

DIGEST_PERIODS = {
    NotificationPreference.Delivery.DAILY: timedelta(days=1),
    NotificationPreference.Delivery.WEEKLY: timedelta(days=7),
}
# A digest is due a little before its full period, so a daily cron job that
# starts a few minutes earlier than yesterday still sends one.
DIGEST_TOLERANCE = timedelta(hours=1)


def _preference(user) -> NotificationPreference:
    try:
        return user.forum_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def _send(
    *,
    user,
    subject: str,
    template: str,
    context: dict,
    unsubscribe_url=None,
    languages: dict | None = None,
):
    """Queue the email in the outbox (sent by the worker, see portal.mail), in
    the recipient's language (``languages``: read once for a whole fan-out)."""
    headers = {}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail_queue(
        template=template,
        subject=subject,
        to=user.email,
        context={"user": user, "unsubscribe_url": unsubscribe_url, **context},
        headers=headers,
        language=(languages or {}).get(user.email),
    )


def _record(user, post, kind) -> bool:
    """Claim the right to email ``post`` to ``user``; False if already sent."""
    try:
        with transaction.atomic():
            EmailDelivery.objects.create(user=user, post=post, kind=kind)
    except IntegrityError:
        return False
    return True


def _post_context(post: Post) -> dict:
    thread = post.thread
    return {
        "post": post,
        "thread": thread,
        "forum": thread.forum,
        "author_name": post.author.profile.name if post.author else _("Someone"),
        "excerpt": plain_excerpt(post.body_html, 600),
        "post_url": tokens.absolute_url(post.get_absolute_url()),
        "settings_url": tokens.absolute_url(reverse("forums:preferences")),
    }


def _deliverable(post: Post) -> bool:
    thread = post.thread
    return not (
        post.deleted_at
        or post.is_hidden
        or thread.deleted_at
        or thread.is_hidden
        or post.author_id is None
    )


@transaction.atomic
def post_notify(*, post_id: int, mentioned_usernames=(), new: bool = True) -> int:
    """Email mentioned users and (for new posts) immediate subscribers, queued as
    one batch in the outbox. Returns the number of emails queued."""
    with mail_batch():
        return _post_notify(
            post_id=post_id, mentioned_usernames=mentioned_usernames, new=new
        )


def _post_notify(*, post_id: int, mentioned_usernames, new: bool) -> int:
    post = (
        Post.objects.select_related(
            "thread__forum__group", "author__profile", "quoted_post"
        )
        .filter(pk=post_id)
        .first()
    )
    if post is None or not _deliverable(post):
        return 0
    thread = post.thread
    context = _post_context(post)

    User = get_user_model()
    mentioned = (
        User.objects.filter(
            profile__handle__in=[name.lower() for name in mentioned_usernames],
            is_active=True,
        )
        .exclude(pk=post.author_id)
        .select_related("forum_preference", "profile")
    )
    mentioned = list(mentioned)
    mentioned_ids = [user.pk for user in mentioned]
    mentioned = [
        user for user in mentioned if user.email and _preference(user).email_mentions
    ]
    sent = 0
    readers = visibility.readers(mentioned, thread)
    mentioned = [user for user in mentioned if user.pk in readers]
    claimed = _claim(mentioned, post, EmailDelivery.Kind.MENTION)
    languages = languages_for_emails([user.email for user in mentioned])
    for user in mentioned:
        if user.pk not in claimed:
            continue
        _send(
            user=user,
            subject=lazy_percent(
                gettext_lazy("%(name)s mentioned you in “%(title)s”"),
                name=context["author_name"],
                title=thread.title,
            ),
            template="forums/mention",
            context=context,
            unsubscribe_url=tokens.unsubscribe_url(user=user, scope=tokens.MENTIONS),
            languages=languages,
        )
        sent += 1

    subscriber_ids = []
    if new:
        subscriptions = (
            Subscription.objects.filter(Q(thread=thread) | Q(forum=thread.forum))
            .exclude(user_id=post.author_id)
            .filter(user__is_active=True)
            .select_related("user__forum_preference", "user__profile")
            .order_by("thread_id")  # NULLs last: a thread subscription wins
        )
        by_user = {}
        for subscription in subscriptions:
            by_user.setdefault(subscription.user_id, subscription)
        subscriber_ids = list(by_user)
        recipients = [
            subscription
            for subscription in by_user.values()
            if subscription.user.email
            and _preference(subscription.user).delivery
            == NotificationPreference.Delivery.IMMEDIATE
        ]
        readers = visibility.readers([s.user for s in recipients], thread)
        recipients = [s for s in recipients if s.user_id in readers]
        claimed = _claim(
            [s.user for s in recipients], post, EmailDelivery.Kind.IMMEDIATE
        )
        languages = languages_for_emails([s.user.email for s in recipients])
        subject = lazy_percent(
            gettext_lazy("New discussion in %(forum)s: “%(title)s”")
            if post.position == 1
            else gettext_lazy("New reply in “%(title)s”"),
            forum=thread.forum.name,
            title=thread.title,
        )
        for subscription in recipients:
            if subscription.user_id not in claimed:
                continue
            _send(
                user=subscription.user,
                subject=subject,
                template="forums/new_post",
                context={**context, "subscription": subscription},
                unsubscribe_url=tokens.unsubscribe_url(
                    user=subscription.user,
                    scope=tokens.SUBSCRIPTION,
                    subscription=subscription,
                ),
                languages=languages,
            )
            sent += 1
    _site_notify(
        post=post,
        mentioned_ids=mentioned_ids,
        subscriber_ids=subscriber_ids,
        new=new,
    )
    return sent


RESOURCE_LINK = re.compile(
    r'href="(?:https?://[^/"]+)?(?:/[a-z]{2}(?:-[a-z]+)?)?/knowledge/([a-z0-9_-]+)/"'
)


def _site_notify(*, post: Post, mentioned_ids, subscriber_ids, new: bool) -> None:
    """The same post on the site's notifications, for everyone it concerns:
    the people it mentions, the author it quotes, the owners of resources it
    links to and (for a new post) those who follow the thread or forum; once
    each, in the worker (notifications checks who may read the post)."""
    from knowledge.models import ResourcePage
    from notifications.models import Kind
    from notifications.services import notifications_fan_out

    common = {"target": "forums.post", "target_id": post.pk, "actor_id": post.author_id}
    told = set(mentioned_ids)
    notifications_fan_out(
        kind=Kind.MENTION, verb="mention", recipient_ids=mentioned_ids, **common
    )
    quoted = post.quoted_post
    if new and quoted is not None and quoted.author_id and quoted.deleted_at is None:
        notifications_fan_out(
            kind=Kind.QUOTE, verb="quote", recipient_ids=[quoted.author_id], **common
        )
        told.add(quoted.author_id)
    slugs = set(RESOURCE_LINK.findall(post.body_html or ""))
    if slugs:
        owners = set(
            ResourcePage.objects.live()
            .filter(slug__in=slugs, owner__isnull=False)
            .values_list("owner_id", flat=True)
        )
        notifications_fan_out(
            kind=Kind.RESOURCE_MENTION,
            verb="resource_mention",
            recipient_ids=owners - told,
            key=f"resource_mention:forums.post:{post.pk}",
            **common,
        )
        told |= owners
    if subscriber_ids:
        notifications_fan_out(
            kind=Kind.REPLY,
            verb="new_thread" if post.position == 1 else "reply",
            recipient_ids=[pk for pk in subscriber_ids if pk not in told],
            **common,
        )


def _claim(users, post, kind) -> set[int]:
    """Claim the right to email ``post`` to each of ``users`` in one statement;
    the ids of those not emailed it before (see EmailDelivery)."""
    users = list(users)
    if not users:
        return set()
    table = EmailDelivery._meta.db_table
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(users))
    params = []
    now = timezone.now()
    for user in users:
        params += [user.pk, post.pk, kind, now]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, post_id, kind, sent_at) VALUES {rows} "
            "ON CONFLICT (user_id, post_id) DO NOTHING RETURNING user_id",
            params,
        )
        return {row[0] for row in cursor.fetchall()}


@transaction.atomic
def flag_notify(*, flag_id: int) -> int:
    """Tell the forum's moderators a post was flagged."""
    flag = (
        Flag.objects.select_related(
            "post__thread__forum__group", "post__author__profile", "reporter__profile"
        )
        .filter(pk=flag_id, status=Flag.Status.OPEN)
        .first()
    )
    if flag is None:
        return 0
    forum = flag.post.thread.forum
    User = get_user_model()
    if forum.group_id is None:
        moderators = User.objects.filter(is_staff=True, is_active=True)
    else:
        moderators = User.objects.filter(
            is_active=True,
            memberships__group_id=forum.group_id,
            memberships__status=Membership.Status.ACTIVE,
            memberships__role=Membership.Role.MODERATOR,
        )
    moderators = list(moderators)
    _flag_site_notify(flag=flag, moderator_ids=[user.pk for user in moderators])
    from notifications.models import Kind
    from notifications.preferences import email_recipients

    queue_url = tokens.absolute_url(reverse("forums:moderation", args=[forum.slug]))
    sent = 0
    for moderator in email_recipients(moderators, Kind.FLAG):
        _send(
            user=moderator,
            subject=lazy_percent(
                gettext_lazy("A post was flagged in %(forum)s"), forum=forum.name
            ),
            template="forums/flag",
            context={
                "flag": flag,
                "forum": forum,
                "queue_url": queue_url,
                "post_url": tokens.absolute_url(flag.post.get_absolute_url()),
            },
        )
        sent += 1
    return sent


def _flag_site_notify(*, flag: Flag, moderator_ids) -> None:
    """The flag in the moderators' notifications (the fan-out keeps those who
    moderate the forum; never the reporter)."""
    from notifications.models import Kind
    from notifications.services import notifications_fan_out

    notifications_fan_out(
        kind=Kind.FLAG,
        verb="flag_raised",
        target="forums.flag",
        target_id=flag.pk,
        recipient_ids=[pk for pk in moderator_ids if pk != flag.reporter_id],
    )


def digest_posts(*, user, since, until):
    """Posts for ``user``'s digest: new since ``since`` in what they watch (from
    the moment they started watching), readable by them, not their own, never
    emailed to them before."""
    thread_watch = Subscription.objects.filter(
        user=user, thread=OuterRef("thread"), created_at__lte=OuterRef("created_at")
    )
    forum_watch = Subscription.objects.filter(
        user=user,
        forum=OuterRef("thread__forum"),
        created_at__lte=OuterRef("created_at"),
    )
    already = EmailDelivery.objects.filter(user=user, post=OuterRef("pk"))
    posts = (
        Post.objects.filter(
            created_at__gt=since,
            created_at__lte=until,
            deleted_at__isnull=True,
            is_hidden=False,
            thread__deleted_at__isnull=True,
            thread__is_hidden=False,
        )
        .filter(readable_forums_q(user=user, prefix="thread__forum__"))
        .exclude(author=user)
        .filter(Exists(thread_watch) | Exists(forum_watch))
        .exclude(Exists(already))
        .select_related("thread__forum", "author__profile")
        .order_by("thread__forum__name", "thread_id", "position")
    )
    return list(posts)


def digests_send(*, now=None) -> int:
    """Send every digest that is due. Safe to run from cron as often as you like:
    each user's preference row is locked while their digest goes out, and every
    post sent is recorded so it is never sent again. Returns emails sent."""
    now = now or timezone.now()
    sent = 0
    due_ids = []
    for delivery, period in DIGEST_PERIODS.items():
        due_ids += list(
            NotificationPreference.objects.filter(
                delivery=delivery, user__is_active=True
            )
            .filter(
                Q(last_digest_at__isnull=True)
                | Q(last_digest_at__lte=now - period + DIGEST_TOLERANCE)
            )
            .values_list("pk", flat=True)
        )
    for preference_id in due_ids:
        try:
            sent += _digest_send_one(preference_id=preference_id, now=now)
        except Exception:
            logger.exception("Forum digest failed for preference %s", preference_id)
    return sent


@transaction.atomic
def _digest_send_one(*, preference_id: int, now) -> int:
    preference = (
        NotificationPreference.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("user__profile")
        .filter(pk=preference_id)
        .first()
    )
    if preference is None:  # another run holds it
        return 0
    period = DIGEST_PERIODS.get(preference.delivery)
    if period is None:
        return 0
    if preference.last_digest_at and preference.last_digest_at > (
        now - period + DIGEST_TOLERANCE
    ):
        return 0
    user = preference.user
    since = preference.last_digest_at or (now - period)
    posts = digest_posts(user=user, since=since, until=now)
    preference.last_digest_at = now
    preference.save(update_fields=["last_digest_at"])
    if not posts or not user.email:
        return 0
    EmailDelivery.objects.bulk_create(
        [
            EmailDelivery(user=user, post=post, kind=EmailDelivery.Kind.DIGEST)
            for post in posts
        ],
        ignore_conflicts=True,
    )
    threads = {}
    for post in posts:
        entry = threads.setdefault(post.thread_id, {"thread": post.thread, "posts": []})
        entry["posts"].append(
            {
                "author_name": post.author.profile.name if post.author else "",
                "excerpt": plain_excerpt(post.body_html, 300),
                "url": tokens.absolute_url(post.get_absolute_url()),
                "created_at": post.created_at,
            }
        )
    is_daily = preference.delivery == NotificationPreference.Delivery.DAILY
    _send(
        user=user,
        subject=lazy_percent(
            ngettext_lazy(
                "Your daily forum digest: %(count)d new post",
                "Your daily forum digest: %(count)d new posts",
                len(posts),
            )
            if is_daily
            else ngettext_lazy(
                "Your weekly forum digest: %(count)d new post",
                "Your weekly forum digest: %(count)d new posts",
                len(posts),
            ),
            count=len(posts),
        ),
        template="forums/digest",
        context={
            "threads": list(threads.values()),
            "count": len(posts),
            "is_daily": is_daily,
            "settings_url": tokens.absolute_url(reverse("forums:preferences")),
        },
        unsubscribe_url=tokens.unsubscribe_url(user=user, scope=tokens.POST_EMAILS),
    )
    return 1
