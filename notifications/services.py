"""Writes of the notifications: fan-out, reading, preferences, digests."""

import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from languages.mail import lazy_percent
from portal import visibility
from portal.links import absolute_url
from portal.mail import mail_batch, mail_queue

from . import texts
from .models import Delivery, DeliveryPreference, Kind, Notification
from .preferences import deliveries_of
from .targets import TARGETS, targets_load

logger = logging.getLogger(__name__)

# Kinds whose email is written here; the others keep the email their own app
# sends (asking notifications.preferences.email_wanted first).
OWN_EMAIL_KINDS = {Kind.QUOTE, Kind.RESOURCE_MENTION, Kind.REACTION}


def _actor_name(actor_id) -> str:
    if not actor_id:
        return ""
    from portal.models import UserProfile

    profile = (
        UserProfile.objects.filter(user_id=actor_id).select_related("user").first()
    )
    return profile.name if profile is not None else ""


@transaction.atomic
def notifications_fan_out(
    *,
    kind: str,
    verb: str,
    target: str,
    target_id: int,
    recipient_ids,
    actor_id: int | None = None,
    key: str = "",
) -> int:
    """Notify ``recipient_ids`` about ``target`` (a label of targets.TARGETS and
    an id): once per recipient and ``key`` (default: verb and subject), never
    the actor, never someone who may not see the subject or turned the kind
    off. A constant number of queries whatever the number of recipients.
    Returns the number of notifications written."""
    spec = TARGETS[target]
    subject = targets_load(target, [target_id]).get(target_id)
    if subject is None:
        return 0
    with translation.override(None):
        # Links without a language prefix: each reader lands in their own.
        title, url, group_id = spec.describe(subject)
    key = (key or f"{verb}:{target}:{target_id}")[:200]
    users = list(
        get_user_model()
        .objects.filter(pk__in=set(recipient_ids), is_active=True)
        .exclude(pk=actor_id or 0)
    )
    if spec.audience is not None:
        allowed = spec.audience(users, subject)
        users = [user for user in users if user.pk in allowed]
    elif not spec.personal:
        allowed = visibility.readers(users, subject)
        users = [user for user in users if user.pk in allowed]
    chosen = deliveries_of([user.pk for user in users], kind)
    users = [user for user in users if chosen[user.pk] != Delivery.OFF]
    if not users:
        return 0
    already = set(
        Notification.objects.filter(
            recipient_id__in=[user.pk for user in users], key=key
        ).values_list("recipient_id", flat=True)
    )
    users = [user for user in users if user.pk not in already]
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                verb=verb,
                actor_id=actor_id,
                title=title[:300],
                url=url[:500],
                target=target,
                target_id=target_id,
                group_id=group_id,
                key=key,
                delivery=chosen[user.pk],
            )
            for user in users
        ],
        ignore_conflicts=True,
    )
    if kind in OWN_EMAIL_KINDS:
        _email_at_once(
            users=[user for user in users if chosen[user.pk] == Delivery.EMAIL],
            verb=verb,
            title=title,
            url=url,
            actor_id=actor_id,
        )
    return len(users)


def _email_at_once(*, users, verb: str, title: str, url: str, actor_id) -> None:
    """The notification by email, in each recipient's language (outbox)."""
    emailed = [user.email for user in users if user.email]
    if not emailed:
        return
    text = lazy_percent(
        texts.VERBS.get(verb, gettext_lazy("%(title)s")),
        actor=_actor_name(actor_id) or gettext_lazy("Someone"),
        title=title,
    )
    with mail_batch():
        mail_queue(
            template="notifications/notification",
            subject=text,
            to=emailed,
            context={
                "text": text,
                "url": absolute_url(url),
                "settings_url": absolute_url(reverse("notifications:preferences")),
            },
        )


def fan_out_after_commit(**kwargs) -> None:
    """Queue :func:`notifications_fan_out` for the worker once the caller's
    transaction commits (ids only)."""
    from .tasks import fan_out

    kwargs["recipient_ids"] = sorted({int(pk) for pk in kwargs["recipient_ids"]})
    if not kwargs["recipient_ids"]:
        return

    def enqueue():
        try:
            fan_out.enqueue(**kwargs)
        except Exception:
            logger.exception("notifications: could not enqueue a fan-out")

    transaction.on_commit(enqueue)


def moderators_fan_out_after_commit(*, group_id: int | None, **kwargs) -> None:
    """:func:`fan_out_after_commit` to the active moderators of ``group_id``
    (the fan-out keeps only those who moderate it when it runs)."""
    from .selectors import group_moderator_ids

    fan_out_after_commit(recipient_ids=group_moderator_ids(group_id=group_id), **kwargs)


# -- Reactions: one notification per post, however many people react ---------


@transaction.atomic
def post_reactions_notify(*, post_id: int) -> bool:
    """Tell a post's author who reacted to it: one notification per post that
    counts the people (never the author themself), brought back to the top
    and unread when someone new reacts, emailed (if chosen) only the first
    time. Idempotent: running it again changes nothing. Returns whether the
    author's notification is now unread."""
    from forums.models import Post, PostReaction

    post = (
        Post.objects.select_related("thread__forum__group", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None or post.author_id is None or not post.author.is_active:
        return False
    author = post.author
    key = f"reaction:forums.post:{post.pk}"
    reactions = (
        PostReaction.objects.filter(post=post, user__is_active=True)
        .exclude(user_id=author.pk)
        .order_by("-created_at", "-pk")
    )
    people = list(dict.fromkeys(reactions.values_list("user_id", flat=True)))
    existing = (
        Notification.objects.select_for_update()
        .filter(recipient=author, key=key)
        .first()
    )
    delivery = deliveries_of([author.pk], Kind.REACTION)[author.pk]
    if not people or delivery == Delivery.OFF or not visibility.readers([author], post):
        if existing is not None and existing.read_at is None:
            existing.delete()
        return False
    if existing is not None:
        if existing.count == len(people) and existing.actor_id == people[0]:
            return existing.read_at is None
        changes = {"count": len(people), "actor_id": people[0]}
        if len(people) > existing.count:
            # Someone new: back to the top, unread, in the next digest.
            changes.update(
                created_at=timezone.now(),
                read_at=None,
                digested_at=None,
                delivery=delivery,
            )
        Notification.objects.filter(pk=existing.pk).update(**changes)
        for name, value in changes.items():
            setattr(existing, name, value)
        return existing.read_at is None
    with translation.override(None):
        title, url, group_id = TARGETS["forums.post"].describe(post)
    try:
        with transaction.atomic():
            _create_reaction_notification(
                author=author,
                actor_id=people[0],
                title=title,
                url=url,
                post_id=post.pk,
                group_id=group_id,
                key=key,
                count=len(people),
                delivery=delivery,
            )
    except IntegrityError:  # a simultaneous run wrote it
        return True
    if delivery == Delivery.EMAIL:
        _email_at_once(
            users=[author], verb="reaction", title=title, url=url, actor_id=people[0]
        )
    return True


def _create_reaction_notification(
    *, author, actor_id, title, url, post_id, group_id, key, count, delivery
):
    Notification.objects.create(
        recipient=author,
        kind=Kind.REACTION,
        verb="reaction",
        actor_id=actor_id,
        title=title[:300],
        url=url[:500],
        target="forums.post",
        target_id=post_id,
        group_id=group_id,
        key=key,
        count=count,
        delivery=delivery,
    )


def post_reactions_notify_after_commit(*, post_id: int) -> None:
    """Queue :func:`post_reactions_notify` for the worker after the commit."""
    from .tasks import reactions_notify

    def enqueue():
        try:
            reactions_notify.enqueue(post_id)
        except Exception:
            logger.exception("notifications: could not enqueue reactions")

    transaction.on_commit(enqueue)


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionError("Not your notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notifications_mark_read_for(*, user, target: str, target_id: int) -> int:
    """Mark read what ``user`` was told about one subject (they opened it)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(
        recipient=user, target=target, target_id=target_id, read_at__isnull=True
    ).update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_update(*, user, choices: dict[str, str]) -> None:
    """Store each kind's delivery; the forum's own email settings follow the
    choices for replies and mentions, so forum emails and digests agree."""
    from forums.models import NotificationPreference

    choices = {
        kind: delivery
        for kind, delivery in choices.items()
        if kind in Kind.values and delivery in Delivery.values
    }
    for kind, delivery in choices.items():
        DeliveryPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )
    if Kind.REPLY in choices or Kind.MENTION in choices:
        forum, _created = NotificationPreference.objects.get_or_create(user=user)
        forum_delivery = NotificationPreference.Delivery
        reply = choices.get(Kind.REPLY)
        if reply == Delivery.EMAIL:
            forum.delivery = forum_delivery.IMMEDIATE
        elif reply == Delivery.DIGEST:
            if forum.delivery not in (forum_delivery.DAILY, forum_delivery.WEEKLY):
                forum.delivery = forum_delivery.DAILY
        elif reply is not None:
            forum.delivery = forum_delivery.OFF
        if Kind.MENTION in choices:
            forum.email_mentions = choices[Kind.MENTION] == Delivery.EMAIL
        forum.save()


# What each forum email choice means for replies on the site's notifications.
FORUM_TO_REPLY = {
    "immediate": Delivery.EMAIL,
    "daily": Delivery.DIGEST,
    "weekly": Delivery.DIGEST,
    "off": Delivery.SITE,
}


@transaction.atomic
def forum_email_delivery_update(*, user, delivery: str) -> None:
    """The forum settings' choice (or a one-click unsubscribe), written to the
    reply preference and to the forum's own row at once. "No email" keeps
    replies on the site, unless they were already turned off altogether."""
    from forums.models import NotificationPreference

    from .preferences import deliveries_for

    if delivery not in FORUM_TO_REPLY:
        raise ValueError(f"Unknown forum delivery {delivery!r}")
    reply = FORUM_TO_REPLY[delivery]
    if reply == Delivery.SITE and deliveries_for(user)[Kind.REPLY] == Delivery.OFF:
        reply = Delivery.OFF
    DeliveryPreference.objects.update_or_create(
        user=user, kind=Kind.REPLY, defaults={"delivery": reply}
    )
    forum, _created = NotificationPreference.objects.get_or_create(user=user)
    if forum.delivery != delivery:
        forum.delivery = delivery
        forum.save(update_fields=["delivery"])


# -- Digests -----------------------------------------------------------------


def notification_digests_send(*, now=None) -> int:
    """One email per member with what they asked to receive as a digest and
    have not read on the site yet (forum posts have their own digest). Each
    item is checked again against what the member may see now. Returns the
    number of emails queued."""
    now = now or timezone.now()
    recipient_ids = list(
        Notification.objects.filter(
            delivery=Delivery.DIGEST, digested_at__isnull=True, created_at__lte=now
        )
        .exclude(kind=Kind.REPLY)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for recipient_id in recipient_ids:
        try:
            sent += _digest_send_one(recipient_id=recipient_id, now=now)
        except Exception:
            logger.exception("Notification digest failed for user %s", recipient_id)
    return sent


@transaction.atomic
def _digest_send_one(*, recipient_id: int, now) -> int:
    from .selectors import visible_notifications

    user = get_user_model().objects.filter(pk=recipient_id).first()
    pending = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(
            recipient_id=recipient_id,
            delivery=Delivery.DIGEST,
            digested_at__isnull=True,
            created_at__lte=now,
        )
        .exclude(kind=Kind.REPLY)
    )
    if not pending:
        return 0
    Notification.objects.filter(pk__in=[item.pk for item in pending]).update(
        digested_at=now
    )
    if user is None or not user.is_active or not user.email:
        return 0
    items = [
        item
        for item in visible_notifications(user=user, notifications=pending)
        if item.read_at is None
    ]
    if not items:
        return 0
    from languages.mail import recipient_language

    with recipient_language(user):
        entries = [{"text": item.text, "url": absolute_url(item.url)} for item in items]
    mail_queue(
        template="notifications/digest",
        to=user.email,
        context={
            "entries": entries,
            "count": len(entries),
            "notifications_url": absolute_url(reverse("notifications:list")),
            "settings_url": absolute_url(reverse("notifications:preferences")),
        },
    )
    return 1


# -- The personal home ------------------------------------------------------


def home_visit_record(*, user, visit_length):
    """Remember that ``user`` looked at their home. A visit lasts
    ``visit_length``: within it ``previous_seen_at`` (what "new since your last
    visit" counts from) stays put, so reloading does not empty the news."""
    from .models import HomeVisit

    now = timezone.now()
    visit = HomeVisit.objects.filter(user=user).first()
    if visit is None:
        return HomeVisit.objects.create(user=user, seen_at=now, previous_seen_at=None)
    if now - visit.seen_at > visit_length:
        HomeVisit.objects.filter(pk=visit.pk).update(
            previous_seen_at=visit.seen_at, seen_at=now
        )
        visit.previous_seen_at, visit.seen_at = visit.seen_at, now
    return visit
