"""Query budgets: a country page and the map do not grow with the number of
events and discussions they list or count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EventFactory, ForumFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add(count: int, forum, start: int = 0) -> None:
    for n in range(start, start + count):
        EventFactory(title=f"Dakar meeting {n}", venue="Dakar", country="SN")
        ThreadFactory(forum=forum, title=f"Senegal question {n}")


@pytest.mark.parametrize("url", ["/countries/sn/", "/countries/", "/regions/africa/"])
def test_place_pages_do_not_grow_with_events_and_discussions(
    client, reader, library, url, django_capture_on_commit_callbacks
):
    forum = ForumFactory(public_read=True)
    client.force_login(reader)
    with django_capture_on_commit_callbacks(execute=True):
        _add(1, forum)
    _queries(client, url)  # warm caches (content types, page paths)
    one = _queries(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        _add(6, forum, start=1)
    _queries(client, url)  # publishing cleared the per-process page paths
    assert _queries(client, url) == one
    assert "Dakar meeting 6" in client.get(reverse("places:country", args=["sn"])).text
