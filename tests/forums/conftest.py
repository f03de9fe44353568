import pytest

from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from tests.factories.forums import ForumFactory
from tests.factories.users import StaffFactory
from working_groups.models import Membership, Visibility


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and other cached state never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def group(home_page):
    return WorkingGroupFactory(title="Data standards")


@pytest.fixture
def other_group(home_page):
    return WorkingGroupFactory(title="Financing")


@pytest.fixture
def private_forum(group):
    return ForumFactory(name="Data standards", slug="data-standards", group=group)


@pytest.fixture
def public_forum(other_group):
    return ForumFactory(
        name="Financing", slug="financing", group=other_group, public_read=True
    )


@pytest.fixture
def community_forum(db):
    return ForumFactory(name="Community", slug="community", group=None)


@pytest.fixture
def member(group):
    return MembershipFactory(group=group, user=UserFactory(username="member")).user


@pytest.fixture
def second_member(group):
    return MembershipFactory(group=group, user=UserFactory(username="second")).user


@pytest.fixture
def moderator(group):
    return MembershipFactory(
        group=group,
        user=UserFactory(username="convener"),
        role=Membership.Role.MODERATOR,
    ).user


@pytest.fixture
def other_moderator(other_group):
    return MembershipFactory(
        group=other_group,
        user=UserFactory(username="otherconvener"),
        role=Membership.Role.MODERATOR,
    ).user


@pytest.fixture
def non_member(db):
    return UserFactory(username="outsider")


@pytest.fixture
def staff(db):
    return StaffFactory(username="staffer")


@pytest.fixture
def private_group(home_page):
    return WorkingGroupFactory(title="Closed circle", visibility=Visibility.MEMBERS)
