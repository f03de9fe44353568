import pytest

from tests.factories import (
    MembershipFactory,
    StaffFactory,
    UserFactory,
    WorkingGroupFactory,
)
from working_groups.models import Membership
from working_groups.services import group_moderation_setup


@pytest.fixture
def mail_on_commit(django_capture_on_commit_callbacks, mailoutbox):
    """Run on-commit work (emails, moderator rights) inside the test transaction."""

    class Runner:
        outbox = mailoutbox

        def __call__(self):
            return django_capture_on_commit_callbacks(execute=True)

    return Runner()


@pytest.fixture
def group(db):
    """A public group with approval policy, its moderators' rights set up."""
    return group_moderation_setup(
        group=WorkingGroupFactory(title="Technologies and architectures")
    )


@pytest.fixture
def other_group(db):
    return group_moderation_setup(
        group=WorkingGroupFactory(title="Enabling environment")
    )


@pytest.fixture
def other_moderator(other_group, django_capture_on_commit_callbacks):
    """Moderates another group, not ``group``."""
    user = UserFactory(username="jonas", display_name="Jonas Berg")
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(user=user, group=other_group, role=Membership.Role.MODERATOR)
    return user


@pytest.fixture
def moderator(group, django_capture_on_commit_callbacks):
    user = UserFactory(username="amina", display_name="Amina Diallo")
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(user=user, group=group, role=Membership.Role.MODERATOR)
    return user


@pytest.fixture
def member(group):
    user = UserFactory(username="carlos", display_name="Carlos Mendes")
    MembershipFactory(user=user, group=group)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(username="lin", display_name="Lin Wei")


@pytest.fixture
def staff(db):
    return StaffFactory(username="admin")
