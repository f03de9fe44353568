"""Visitors' pages from the cache: no SQL on a hit, never for members, purged
the moment a change is published."""

import re

import pytest
from django.core.cache import caches
from django.test import Client

from tests.factories import UserFactory
from tests.factories.events import EventFactory


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_visitors_second_look_runs_no_sql(
    client, home_page, django_assert_num_queries
):
    first = client.get("/")
    with django_assert_num_queries(0):
        second = Client().get("/")

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.status_code == 200
    assert "EMIS Community of Practice" in second.text


def test_a_cached_page_gives_each_visitor_a_working_language_form(home_page):
    Client().get("/")  # fills the cache
    visitor = Client(enforce_csrf_checks=True)

    page = visitor.get("/")
    changed = visitor.post(
        "/i18n/setlang/",
        {"language": "fr", "next": "/", "csrfmiddlewaretoken": csrf_token(page.text)},
    )

    assert page["X-Page-Cache"] == "hit"
    assert changed.status_code == 302
    assert visitor.cookies["django_language"].value == "fr"


def test_a_signed_in_member_never_gets_a_cached_page(client, home_page):
    Client().get("/")
    Client().get("/")  # the visitors' copy is cached
    member = UserFactory(username="amina")
    client.force_login(member)

    first = client.get("/")
    second = client.get("/")

    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert "Sign in" not in second.text  # their own page, signed in


def test_publishing_a_change_is_visible_at_once(
    home_page, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Census webinar")
    url = event.get_url()
    assert "Census webinar" in Client().get(url).text
    assert Client().get(url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        event.title = "Census webinar (new date)"
        event.save_revision().publish()
    after = Client().get(url)

    assert after["X-Page-Cache"] == "miss"
    assert "Census webinar (new date)" in after.text


def test_unpublishing_removes_the_page_for_visitors_at_once(
    home_page, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Retired webinar")
    url = event.get_url()
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        event.unpublish()

    assert Client().get(url).status_code == 404


def test_search_results_and_the_admin_are_never_cached(home_page):
    for path in ("/search/?q=census", "/admin/login/"):
        Client().get(path)
        assert Client().get(path).get("X-Page-Cache") != "hit", path
