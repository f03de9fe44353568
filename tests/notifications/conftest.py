import pytest

from tests.factories import UserFactory, WorkingGroupFactory
from tests.factories.forums import ForumFactory
from tests.forums.conftest import member, moderator, second_member  # noqa: F401


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
def outsider(db):
    return UserFactory(username="outsider")
