"""Writes of the API app: personal tokens, kept in Wagtail's APIToken (only a
digest is stored; the key is shown once)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.models import APIToken

from .permissions import can_create_api_token, can_revoke_api_token

TOKEN_TOUCH_SECONDS = 60


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[APIToken, str]:
    """A new token for ``user``; returns it with its key (never stored)."""
    if not can_create_api_token(user):
        raise PermissionDenied
    return APIToken.create_token(user=user, name=name.strip()[:100])


@transaction.atomic
def api_token_revoke(*, user, token: APIToken) -> APIToken:
    if not can_revoke_api_token(user, token):
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoke()
    return token


def api_token_touch(*, token: APIToken) -> None:
    """Note when a token was last used (at most once a minute)."""
    now = timezone.now()
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() >= TOKEN_TOUCH_SECONDS
    ):
        APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
