"""DRF's throttles read their rates once, at import; these read them on each
request, so REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] can change (tests, ops)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class VisitorRateThrottle(AnonRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class MemberRateThrottle(UserRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
