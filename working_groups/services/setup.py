"""A group's moderation workflow and its moderators' page rights."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from ..models import (
    Membership,
    WorkingGroupPage,
)

# What a group's moderators may do on the group's part of the page tree.
MODERATOR_PAGE_PERMISSIONS = ["add", "change", "publish", "lock", "unlock"]


@transaction.atomic
def group_moderation_setup(*, group: WorkingGroupPage) -> WorkingGroupPage:
    """Give the group a Django group for its moderators, with Wagtail page
    permissions on the group's subtree and a moderation workflow they approve.

    Idempotent: safe to call on every save of the group page.
    """
    moderators = group.moderators_group
    if moderators is None:
        name = _("Moderators: %(group)s") % {"group": group.short_name or group.title}
        moderators, _created = Group.objects.get_or_create(name=name[:150])
        WorkingGroupPage.objects.filter(pk=group.pk).update(moderators_group=moderators)
        group.moderators_group = moderators
    moderators.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    for permission_type in MODERATOR_PAGE_PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=f"{permission_type}_page"
        )
        GroupPagePermission.objects.get_or_create(
            group=moderators, page=group, permission=permission
        )
    workflow_name = _("Moderation: %(group)s") % {
        "group": group.short_name or group.title
    }
    if not WorkflowPage.objects.filter(page=group).exists():
        workflow, _created = Workflow.objects.get_or_create(name=workflow_name[:255])
        task = GroupApprovalTask.objects.filter(name=workflow_name[:255]).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=workflow_name[:255])
        task.groups.add(moderators)
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.create(workflow=workflow, page=group)
    return group


def moderator_rights_sync(*, membership: Membership) -> None:
    """Active moderators belong to the group's moderators Django group; nobody else."""
    group = membership.group
    if group.moderators_group is None:
        group_moderation_setup(group=group)
    is_moderator = (
        membership.role == Membership.Role.MODERATOR
        and membership.status == Membership.Status.ACTIVE
    )
    if is_moderator:
        membership.user.groups.add(group.moderators_group)
    else:
        membership.user.groups.remove(group.moderators_group)
