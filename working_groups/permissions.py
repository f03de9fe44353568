"""Who may do what in a working group. Views and templates only ask these."""

from .models import Visibility, WorkingGroupPage
from .selectors import group_ids_for_user, moderated_group_ids_for_user


def is_group_member(user, group: WorkingGroupPage) -> bool:
    return group.pk in group_ids_for_user(user=user)


def can_view_group(user, group: WorkingGroupPage) -> bool:
    if group.visibility == Visibility.PUBLIC:
        return True
    return bool(getattr(user, "is_staff", False)) or is_group_member(user, group)


def can_view_private_content(user, group: WorkingGroupPage) -> bool:
    """Members-only resources, events and forums of the group."""
    return bool(getattr(user, "is_staff", False)) or is_group_member(user, group)


def can_moderate_group(user, group: WorkingGroupPage) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return group.pk in moderated_group_ids_for_user(user=user)
