from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def display_name(user) -> str:
    """A member's public name; accounts that were removed stay anonymous."""
    if user is None:
        return _("Former member")
    profile = getattr(user, "profile", None)
    return profile.name if profile is not None else ""


@register.filter
def initials(user) -> str:
    name = display_name(user)
    parts = [part for part in name.split() if part[:1].isalnum()]
    return "".join(part[0] for part in parts[:2]).upper() or "?"
