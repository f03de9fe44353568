from django import template

from ..selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def notifications_unread(context) -> int:
    request = context.get("request")
    return unread_count(user=getattr(request, "user", None))
