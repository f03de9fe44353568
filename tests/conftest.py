import pytest
from django.core.management import call_command

from portal.demo import home_page_get_or_create


@pytest.fixture
def home_page(db):
    """The Wagtail root, default site and home page, as the demo loader builds them."""
    return home_page_get_or_create()


@pytest.fixture
def demo_content(db):
    """The full demo content of shared/PRODUCT.md."""
    call_command("load_demo", "--quiet-users", stdout=open("/dev/null", "w"))


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Caches outlive a test's rolled-back transaction: start each test with
    none (the local-memory cache, the per-process page paths)."""
    from django.core.cache import cache

    from portal import page_paths

    cache.clear()
    page_paths.clear()
    yield
