"""Privacy rows of the people and places routes: who gets what, per role."""

import pytest

from tests.factories import UserFactory
from tests.factories.people import mentoring_create

pytestmark = pytest.mark.django_db

OK, LOGIN, FORBIDDEN, MISSING = 200, "login", 403, 404

# route -> expected answer for: visitor, member, moderator, staff (not superuser),
# participant of the mentoring exchange
ROWS = [
    ("/people/", LOGIN, OK, OK, OK, OK),
    ("/people/me/", LOGIN, OK, OK, OK, OK),
    ("/people/experts/{listed}/", LOGIN, OK, OK, OK, OK),
    ("/people/experts/{unlisted}/", LOGIN, MISSING, MISSING, MISSING, MISSING),
    ("/people/mentoring/", LOGIN, OK, OK, OK, OK),
    ("/people/mentoring/counts/", LOGIN, FORBIDDEN, OK, OK, FORBIDDEN),
    ("/people/mentoring/{exchange}/", LOGIN, MISSING, MISSING, MISSING, OK),
    ("/countries/", OK, OK, OK, OK, OK),
    ("/countries/sn/", OK, OK, OK, OK, OK),
    ("/regions/africa/", OK, OK, OK, OK, OK),
]
ROLES = ["visitor", "member", "moderator", "staff", "participant"]


@pytest.fixture
def people(expert, requester, moderator, staff_not_superuser, library):
    unlisted = UserFactory(username="unlisted")
    exchange = mentoring_create(requester=requester, expert=expert, accept=True)
    return {
        "ids": {"listed": expert.pk, "unlisted": unlisted.pk, "exchange": exchange.pk},
        "visitor": None,
        "member": UserFactory(username="plain"),
        "moderator": moderator,
        "staff": staff_not_superuser,
        "participant": requester,
    }


@pytest.mark.parametrize("row", ROWS, ids=[row[0] for row in ROWS])
def test_route_privacy(client, people, row):
    route, *expected = row
    url = route.format(**people["ids"])
    for role, answer in zip(ROLES, expected, strict=True):
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        response = client.get(url)
        if answer == LOGIN:
            assert response.status_code == 302, (url, role)
            assert response["Location"].startswith("/accounts/login/"), (url, role)
        else:
            assert response.status_code == answer, (url, role, response.status_code)
