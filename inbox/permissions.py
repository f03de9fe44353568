"""Who has a moderators' inbox: the active moderators of a working group and
staff. Each action in it is checked again by the service it calls."""

from working_groups.selectors import moderated_group_ids_for_user


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_active", False))


def can_view_inbox(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return _is_staff(user) or bool(moderated_group_ids_for_user(user=user))
