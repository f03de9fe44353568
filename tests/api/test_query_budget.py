"""Lists cost a fixed number of queries, however many records they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EventFactory, ResourceFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_records(world, count: int, start: int) -> None:
    forum = world.community_thread.forum
    for number in range(start, start + count):
        ResourceFactory(
            title=f"Extra resource {number}", parent=world.group, tags=[f"t{number}"]
        )
        EventFactory(title=f"Extra event {number}", group=world.group, tags=["x"])
        ThreadFactory(forum=forum, title=f"Extra thread {number}")


@pytest.mark.parametrize(
    "url", ["/api/resources/", "/api/events/", "/api/threads/", "/api/working-groups/"]
)
def test_list_queries_do_not_grow_with_the_records(world, client, url):
    add_records(world, 2, 0)
    few = queries(client, url)
    add_records(world, 4, 2)
    assert queries(client, url) == few
