"""Who may see, share and curate resources. Views, templates, feeds, citations
and document downloads only ask these."""

from working_groups.models import Visibility
from working_groups.selectors import group_ids_for_user, moderated_group_ids_for_user


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_active", False))


def can_view_resource(user, resource) -> bool:
    """Live public resources are for everyone (unless their owning group is
    private); members-only ones for active members of their groups and staff."""
    if not resource.live:
        return False
    if _is_staff(user):
        return True
    member_of = group_ids_for_user(user=user)
    if resource.group_ids & member_of:
        return True
    if resource.visibility != Visibility.PUBLIC:
        return False
    owner = resource.owning_group
    return owner is None or owner.visibility == Visibility.PUBLIC


def can_moderate_resource(user, resource) -> bool:
    """The active moderators of the group that owns the resource, and editors who
    may publish it in the Wagtail admin (superusers, the library's editors)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if (
        resource.owning_group_id is not None
        and resource.owning_group_id in moderated_group_ids_for_user(user=user)
    ):
        return True
    return user.is_staff and resource.permissions_for_user(user).can_publish()


def can_preview_resource(user, resource) -> bool:
    """Drafts in moderation: their submitter and those who moderate them."""
    if can_view_resource(user, resource):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return resource.owner_id == user.pk or can_moderate_resource(user, resource)


def can_submit_resource(user) -> bool:
    """Any active member of a working group (and staff) may share resources."""
    if not getattr(user, "is_authenticated", False):
        return False
    return _is_staff(user) or bool(group_ids_for_user(user=user))


def can_submit_to_group(user, group) -> bool:
    if group is None:
        return _is_staff(user)
    return _is_staff(user) or group.pk in group_ids_for_user(user=user)


def can_feature_resource(user, resource) -> bool:
    return resource.live and can_moderate_resource(user, resource)
