"""Too many requests in a window answer 429 with Retry-After, per visitor
address and per member."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute"},
    }


@pytest.mark.parametrize("reader, allowed", [("visitor", 3), ("member", 5)])
def test_too_many_requests_get_429_and_retry_after(
    world, read_as, low_rates, reader, allowed
):
    client = read_as(reader)
    statuses = [client.get("/api/working-groups/").status_code for _ in range(allowed)]
    assert statuses == [200] * allowed
    response = client.get("/api/working-groups/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
