from django import template

from portal.avatars import avatar_html, profile_avatar_html

register = template.Library()


@register.simple_tag
def avatar(user, size=40, decorative=False):
    """``{% avatar post.author 40 %}``: the member's picture or initials."""
    return avatar_html(user, size=int(size), decorative=bool(decorative))


@register.simple_tag
def profile_avatar(profile, size=40, decorative=False):
    """The same, from a profile (directory cards list profiles)."""
    return profile_avatar_html(profile, size=int(size), decorative=bool(decorative))
