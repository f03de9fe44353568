from django import template

from ..permissions import can_view_inbox
from ..selectors import inbox_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_waiting(context) -> int | None:
    """How many things wait for this moderator (None: not a moderator)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not can_view_inbox(user):
        return None
    if not hasattr(user, "_inbox_total"):
        user._inbox_total = inbox_counts(user=user)["total"]
    return user._inbox_total
