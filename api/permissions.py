"""Who may hold API tokens. What a token's holder may read is decided by the
apps' own permission rules and selectors, exactly as for their session."""

MAX_ACTIVE_TOKENS = 10


def can_create_api_token(user) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return user.api_tokens.filter(revoked_at__isnull=True).count() < MAX_ACTIVE_TOKENS


def can_revoke_api_token(user, token) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and token.user_id == user.pk
