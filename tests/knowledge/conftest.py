import pytest

from knowledge.services import knowledge_index_get_or_create
from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from tests.factories.users import StaffFactory
from working_groups.models import Membership


@pytest.fixture
def library(home_page):
    return knowledge_index_get_or_create()


@pytest.fixture
def group(library, django_capture_on_commit_callbacks):
    # Publishing a group sets up its moderation after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        return WorkingGroupFactory(title="Data governance", slug="data-governance")


@pytest.fixture
def other_group(library, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return WorkingGroupFactory(title="Peer exchanges", slug="peer-exchanges")


@pytest.fixture
def member(group):
    user = UserFactory(username="member")
    MembershipFactory(user=user, group=group)
    return user


@pytest.fixture
def moderator(group, django_capture_on_commit_callbacks):
    user = UserFactory(username="moderator")
    # Moderators get their Wagtail rights (the group's moderators) on commit.
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(user=user, group=group, role=Membership.Role.MODERATOR)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def staff(db):
    return StaffFactory(username="editor")
