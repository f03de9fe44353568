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
def _default_language():
    """Each test starts in English: a request in another language leaves that
    language active in the test's thread (lazy defaults would be saved in it)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
