"""Issue 9, item 14: sign-up, search, autocomplete, saved searches and failed
sign-ins are limited; refusals are HTTP 429 with Retry-After."""

import pytest
from django.core.cache import cache

from search.models import SavedSearch
from tests.factories.users import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_search_and_autocomplete_are_limited(client, world, settings):
    settings.PORTAL_RATE_LIMITS = {"search": "3/m", "autocomplete": "2/m"}

    searches = [client.get("/api/search/?q=census").status_code for _ in range(4)]
    suggestions = [
        client.get("/api/search/suggest/?q=cen").status_code for _ in range(3)
    ]
    refused = client.get("/search/?q=census")

    assert searches == [200, 200, 200, 429]
    assert suggestions == [200, 200, 429]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_a_member_keeps_a_bounded_number_of_saved_searches(client, world, settings):
    settings.SAVED_SEARCHES_PER_MEMBER = 2
    client.force_login(world["member"])

    answers = [
        client.post(
            "/search/saved/new/",
            {"name": f"Search {n}", "query_text": "census", "frequency": "weekly"},
        ).status_code
        for n in range(3)
    ]

    assert answers == [302, 302, 429]
    assert SavedSearch.objects.filter(user=world["member"]).count() == 2


def _sign_in(client, user, password, address):
    return client.post(
        "/accounts/login/",
        {"login": user.email, "password": password},
        REMOTE_ADDR=address,
    )


def test_failed_sign_ins_lock_one_account_from_one_address_only(client, world):
    office = "203.0.113.7"
    typist, colleague = world["outsider"], world["member"]

    for _ in range(5):
        _sign_in(client, typist, "wrong password", office)
    locked = _sign_in(client, typist, DEFAULT_PASSWORD, office)
    client.logout()
    colleague_in = _sign_in(client, colleague, DEFAULT_PASSWORD, office)
    client.logout()
    from_home = _sign_in(client, typist, DEFAULT_PASSWORD, "198.51.100.20")

    assert locked.status_code == 200
    assert "Too many failed login attempts" in locked.content.decode()
    assert colleague_in.status_code == 302
    assert from_home.status_code == 302


def test_sign_ups_from_one_address_are_limited(client, world):
    answers = []
    for n in range(6):
        client.logout()
        response = client.post(
            "/accounts/signup/",
            {
                "email": f"new{n}@example.org",
                "password1": "a-long-pass-phrase-2026",
                "password2": "a-long-pass-phrase-2026",
                "display_name": f"Newcomer {n}",
            },
            REMOTE_ADDR="203.0.113.9",
        )
        answers.append(response.status_code)

    assert answers[:5] == [302] * 5
    assert answers[5] == 429
