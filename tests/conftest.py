import pytest

from portal.demo import home_page_get_or_create
from tests.db_snapshot import (
    builds,
    load_demo,
    load_once,
    per_loader,
    refresh_cached_ids,
    stats,
)


@pytest.fixture
def home_page(db):
    """The Wagtail root, default site and home page, as the demo loader builds them
    (copied back when a test starts from a state seen before: tests/db_snapshot.py)."""
    return load_once("home_page", home_page_get_or_create, take_on_second_use=True)


@pytest.fixture
def demo_content(db):
    """The full demo content of shared/PRODUCT.md (loaded once per session and
    copied back for later tests: tests/db_snapshot.py)."""
    load_demo()


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


# --- Suite speed (tests/db_snapshot.py, README "Test suite speed") -----------
@pytest.fixture(autouse=True)
def _cached_ids_after_copied_rows():
    """After a test whose copied-back rows changed the content types' ids (and
    were then rolled back or flushed), the cache holds the database's own."""
    changed = stats["content_types_changed"]
    yield
    if stats["content_types_changed"] != changed:
        refresh_cached_ids()


def pytest_terminal_summary(terminalreporter):
    if per_loader:
        terminalreporter.write_line(
            "snapshots (tests/db_snapshot.py): "
            + "; ".join(
                f"{name} built {built}, copied back {copied} time(s)"
                for name, (built, copied) in sorted(per_loader.items())
            )
        )
        for line in builds:
            terminalreporter.write_line(f"  built: {line}")


ENGINE_NAMES = ("opensearch", "elasticsearch")


def needs_engine(item) -> bool:
    """A test that runs on a real OpenSearch or Elasticsearch node."""
    fixtures = getattr(item, "fixturenames", ())
    if "search_engines" in fixtures or "engine_url" in fixtures:
        return True
    callspec = getattr(item, "callspec", None)
    return bool(callspec) and any(
        value in ENGINE_NAMES
        for value in callspec.params.values()
        if isinstance(value, str)
    )


def pytest_collection_modifyitems(items):
    for item in items:
        if needs_engine(item):
            item.add_marker(pytest.mark.engines)


def pytest_collection_finish(session):
    """Boot the search engine nodes while the test database is being made,
    when a collected test needs them (tests/engines; the session fixture
    ``search_engines`` then takes the nodes already booting)."""
    if session.config.option.collectonly:
        return
    if any(needs_engine(item) for item in session.items):
        from tests import engines

        engines.start_early()
