"""Query budgets: the directory and a country page do not grow with the number
of people or resources shown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ResourceFactory
from tests.factories.people import expert_create

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_directory_queries_do_not_grow_with_experts(client, requester, expert):
    client.force_login(requester)
    url = reverse("people:directory")
    _queries(client, url)  # warm caches (content types, sites)
    few = _queries(client, url)
    for n in range(8):
        expert_create(f"more{n}", expertise=["gis", "financing"], countries=["KE"])
    assert _queries(client, url) == few


def test_country_page_queries_do_not_grow_with_resources(
    client, requester, expert, library
):
    ResourceFactory(title="Senegal report", countries=["SN"], tags=["census"])
    client.force_login(requester)
    url = reverse("places:country", args=["sn"])
    _queries(client, url)
    one = _queries(client, url)
    for n in range(11):
        ResourceFactory(title=f"Senegal report {n}", countries=["SN"], tags=["census"])
    _queries(client, url)  # publishing cleared the per-process page paths: warm them
    assert _queries(client, url) == one
