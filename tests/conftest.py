import pytest

from portal.demo import home_page_get_or_create
from tests.db_snapshot import forget_cached_ids, load_demo


@pytest.fixture
def home_page(db):
    """The Wagtail root, default site and home page, as the demo loader builds them."""
    return home_page_get_or_create()


@pytest.fixture
def demo_content(db):
    """The full demo content of shared/PRODUCT.md (loaded once per session and
    copied back for later tests: tests/db_snapshot.py)."""
    load_demo()
    yield
    forget_cached_ids()


class DeliveredMail(list):
    """pytest-django's ``mailoutbox`` as a reader sees it: before each look,
    the worker's sender hands whatever is due in the outbox (portal.mail) to
    the test transport. Mail is queued in the transaction of the action and
    sent by the worker; tests that call a service inside the test transaction
    (where on-commit work never runs) still see what would be delivered."""

    def __init__(self, outbox):
        super().__init__()
        self._outbox = outbox

    def _flush(self):
        from portal.mail import outbox_send_due

        try:
            outbox_send_due()
        except RuntimeError:  # a test without database access queued nothing
            pass
        super().clear()
        super().extend(self._outbox)

    def clear(self):
        self._flush()
        self._outbox.clear()
        super().clear()


def _flushing(name):
    method = getattr(list, name, None)

    def reading(self, *args, **kwargs):
        self._flush()
        if method is None:  # list has no __bool__: truth is its length
            return len(self._outbox) > 0
        return method(self, *args, **kwargs)

    return reading


for _name in (
    "__getitem__",
    "__len__",
    "__iter__",
    "__eq__",
    "__bool__",
    "__contains__",
    "__repr__",
):
    setattr(DeliveredMail, _name, _flushing(_name))


@pytest.fixture
def mailoutbox(mailoutbox):
    """Mail as delivered by the worker (see DeliveredMail)."""
    return DeliveredMail(mailoutbox)


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Caches outlive a test's rolled-back transaction: start each test with
    none (the local-memory cache, the per-process page paths)."""
    from django.core.cache import cache

    from portal import page_paths

    cache.clear()
    page_paths.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: a request in another language leaves that
    language active in the test's thread (lazy defaults would be saved in it)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- Suite speed (tests/db_snapshot.py): how often the demo was really loaded.
def pytest_terminal_summary(terminalreporter):
    from tests.db_snapshot import stats

    if stats["loaded"] or stats["copied"]:
        terminalreporter.write_line(
            f"demo content: loaded {stats['loaded']} time(s), "
            f"copied back {stats['copied']} time(s)"
        )
