"""The portal's allauth adapter."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.httpkit import get_client_ip


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed sign-ins are counted per account and client address together
        (ACCOUNT_RATE_LIMITS["login_failed"] "key"): someone guessing a
        colleague's password locks only themselves out, not the colleague and
        not the office sharing their address."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{get_client_ip(request) or ''}"
