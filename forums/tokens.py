"""Signed one-click unsubscribe links: they work without signing in, and only
for the person (and the subscription) they were made for."""

from django.core import signing
from django.urls import reverse

from portal.links import absolute_url

__all__ = ["absolute_url"]

SALT = "forums.unsubscribe"

# What a token switches off.
SUBSCRIPTION = "s"  # one thread or forum subscription
POST_EMAILS = "d"  # every email about new posts (immediate and digests)
MENTIONS = "m"  # emails about @mentions


def unsubscribe_token(*, user, scope: str, subscription=None) -> str:
    payload = {"u": user.pk, "k": scope}
    if scope == SUBSCRIPTION:
        payload["s"] = subscription.pk
    return signing.dumps(payload, salt=SALT, compress=True)


def unsubscribe_url(*, user, scope: str, subscription=None) -> str:
    token = unsubscribe_token(user=user, scope=scope, subscription=subscription)
    return absolute_url(reverse("forums:unsubscribe", args=[token]))


def unsubscribe_read(token: str) -> dict | None:
    """The payload of a genuine token, or None for a forged or mangled one."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("k") not in {
        SUBSCRIPTION,
        POST_EMAILS,
        MENTIONS,
    }:
        return None
    return payload
