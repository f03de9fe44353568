import pytest
from django.core.cache import cache

from tests.privacy_world import read_as, readers, world  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttle counts live in the cache; every test starts from zero."""
    cache.clear()
    yield
    cache.clear()
