import pytest
from wagtail.models import GroupPagePermission, WorkflowPage

from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from working_groups.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)


def test_publishing_a_group_gives_it_moderators_and_a_workflow():
    group = WorkingGroupFactory(title="Data governance")

    group.refresh_from_db()
    assert group.moderators_group is not None
    codenames = set(
        GroupPagePermission.objects.filter(
            group=group.moderators_group, page=group
        ).values_list("permission__codename", flat=True)
    )
    assert {"add_page", "change_page", "publish_page"} <= codenames
    workflow = WorkflowPage.objects.get(page=group).workflow
    task = workflow.tasks.get().specific
    assert list(task.groups.all()) == [group.moderators_group]


def test_only_active_moderators_hold_moderator_rights():
    group = WorkingGroupFactory()
    moderator = UserFactory()
    member = UserFactory()

    membership = MembershipFactory(
        user=moderator, group=group, role=Membership.Role.MODERATOR
    )
    MembershipFactory(user=member, group=group)

    group.refresh_from_db()
    assert moderator.groups.filter(pk=group.moderators_group.pk).exists()
    assert not member.groups.filter(pk=group.moderators_group.pk).exists()

    membership.status = Membership.Status.REMOVED
    membership.save()
    assert not moderator.groups.filter(pk=group.moderators_group.pk).exists()
