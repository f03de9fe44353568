import pytest

from knowledge.services import knowledge_index_get_or_create
from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from tests.factories.people import expert_create
from tests.factories.users import StaffFactory
from working_groups.models import Membership


@pytest.fixture
def library(home_page):
    return knowledge_index_get_or_create()


@pytest.fixture
def group(library, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return WorkingGroupFactory(title="Data governance", slug="data-governance")


@pytest.fixture
def expert(group):
    user = expert_create(
        "awa", display_name="Awa Ndiaye", country="SN", organisation="Ministry"
    )
    MembershipFactory(user=user, group=group)
    return user


@pytest.fixture
def requester(db):
    return UserFactory(username="lin", display_name="Lin Wei")


@pytest.fixture
def bystander(db):
    return UserFactory(username="bystander", display_name="Bea Stander")


@pytest.fixture
def moderator(group, django_capture_on_commit_callbacks):
    user = UserFactory(username="moderator", display_name="Mo Derator")
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(user=user, group=group, role=Membership.Role.MODERATOR)
    return user


@pytest.fixture
def staff_not_superuser(db):
    return UserFactory(username="staffer", is_staff=True, display_name="Staff Person")


@pytest.fixture
def superuser(db):
    return StaffFactory(username="root", display_name="Root Admin")
