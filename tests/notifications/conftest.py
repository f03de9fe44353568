import pytest

from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from tests.factories.forums import ForumFactory
from working_groups.models import Membership


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def group(home_page):
    return WorkingGroupFactory(title="Data standards")


@pytest.fixture
def private_forum(group):
    return ForumFactory(name="Data standards", slug="data-standards", group=group)


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
def outsider(db):
    return UserFactory(username="outsider")
