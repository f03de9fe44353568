from django import template

from search.selectors import saved_search_list

register = template.Library()


@register.simple_tag
def saved_searches_for(user):
    """The user's saved searches (for the profile page)."""
    return list(saved_search_list(user=user))
