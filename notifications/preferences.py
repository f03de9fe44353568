"""How each kind of notification reaches each member: on the site only, by
email at once, in a daily digest, or not at all.

Absent a choice every kind is emailed at once, as before this app. The forum
emails (new posts in what one follows, mentions) keep their own sender and
digests (forums.notifications), which read the forum preference; that row is
only ever written together with the choices here (services.
notification_preferences_update, forum_email_delivery_update), so the forum
settings page and this one always show, and deliver, the same choice.
"""

from .models import Delivery, DeliveryPreference, Kind

DEFAULT = Delivery.EMAIL
# Kinds that arrive otherwise unless chosen: reactions only on the site (one
# email per click would be noise), members leaving in the daily digest.
KIND_DEFAULTS = {Kind.REACTION: Delivery.SITE, Kind.MEMBER_LEFT: Delivery.DIGEST}


def default_for(kind: str) -> str:
    return KIND_DEFAULTS.get(kind, DEFAULT)


def _forum_delivery(user) -> dict:
    """What the older forum settings say, for members who never chose here."""
    from forums.models import NotificationPreference

    preference = NotificationPreference.objects.filter(user=user).first()
    if preference is None:
        return {}
    reply = {
        NotificationPreference.Delivery.IMMEDIATE: Delivery.EMAIL,
        NotificationPreference.Delivery.DAILY: Delivery.DIGEST,
        NotificationPreference.Delivery.WEEKLY: Delivery.DIGEST,
        NotificationPreference.Delivery.OFF: Delivery.SITE,
    }[preference.delivery]
    mention = Delivery.EMAIL if preference.email_mentions else Delivery.SITE
    return {Kind.REPLY: reply, Kind.MENTION: mention}


def deliveries_for(user) -> dict[str, str]:
    """Every kind's delivery for ``user``."""
    chosen = {kind: default_for(kind) for kind in Kind.values}
    chosen.update(_forum_delivery(user))
    chosen.update(
        DeliveryPreference.objects.filter(user=user).values_list("kind", "delivery")
    )
    return chosen


def deliveries_of(user_ids, kind: str) -> dict[int, str]:
    """``kind``'s delivery for each of ``user_ids``, in one query."""
    user_ids = list(user_ids)
    chosen = dict.fromkeys(user_ids, default_for(kind))
    chosen.update(
        DeliveryPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    return chosen


def email_wanted(user, kind: str) -> bool:
    """Whether an email about ``kind`` goes to ``user`` at once (the apps that
    write their own emails ask this before queueing one)."""
    if user is None or not getattr(user, "email", ""):
        return False
    return deliveries_of([user.pk], kind)[user.pk] == Delivery.EMAIL


def email_recipients(users, kind: str) -> list:
    """The ``users`` who get an email about ``kind`` at once (one query)."""
    users = [user for user in users if user is not None and user.email]
    chosen = deliveries_of([user.pk for user in users], kind)
    return [user for user in users if chosen[user.pk] == Delivery.EMAIL]


def forum_email_delivery(user) -> str:
    """The forum settings' one choice (emails about new posts in what one
    follows: each post, a daily or weekly digest, none), read from the reply
    preference (the digest's rhythm is the forum's own)."""
    from forums.models import NotificationPreference

    forum = NotificationPreference.Delivery
    reply = deliveries_for(user)[Kind.REPLY]
    if reply == Delivery.EMAIL:
        return forum.IMMEDIATE
    if reply == Delivery.DIGEST:
        rhythm = (
            NotificationPreference.objects.filter(user=user)
            .values_list("delivery", flat=True)
            .first()
        )
        return rhythm if rhythm in (forum.DAILY, forum.WEEKLY) else forum.DAILY
    return forum.OFF
