from django import template

from ..selectors import api_token_list

register = template.Library()


@register.simple_tag
def api_tokens_for(user):
    if not getattr(user, "is_authenticated", False):
        return []
    return list(api_token_list(user=user))
