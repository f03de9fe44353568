"""A member creates a personal API token on the profile page, reads the API as
themselves with it, and revokes it; nobody else can revoke it."""

import re

import pytest
from wagtail.models import APIToken

pytestmark = pytest.mark.django_db


def create_token(client, name="Zotero sync") -> str:
    response = client.post("/api/tokens/", {"name": name})
    assert response.status_code == 200
    match = re.search(r'class="api-token-key">([^<]+)<', response.content.decode())
    return match.group(1)


def test_member_creates_uses_and_revokes_a_token(world, readers, client):
    member = readers["member"]
    client.force_login(member)
    profile = client.get("/accounts/profile/")
    assert "API tokens" in profile.content.decode()
    key = create_token(client)
    assert "Zotero sync" in client.get("/accounts/profile/").content.decode()
    client.logout()

    bearer = {"HTTP_AUTHORIZATION": f"Token {key}"}
    response = client.get("/api/resources/secret-budget-draft/", **bearer)
    assert response.status_code == 200
    assert client.get("/api/resources/secret-budget-draft/").status_code == 404
    token = APIToken.objects.get(user=member)
    assert token.last_used_at is not None
    assert key not in (token.key_hash, token.prefix)

    client.force_login(member)
    response = client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    client.logout()
    assert client.get("/api/resources/", **bearer).status_code == 401
    assert (
        client.get("/api/resources/", HTTP_AUTHORIZATION="Bearer nonsense").status_code
        == 401
    )


def test_only_the_owner_revokes_a_token(world, readers, client):
    client.force_login(readers["member"])
    create_token(client)
    token = APIToken.objects.get(user=readers["member"])
    client.force_login(readers["non-member"])
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_visitors_cannot_create_tokens_and_forms_need_csrf(world, readers, client):
    response = client.post("/api/tokens/", {"name": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not APIToken.objects.exists()

    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(readers["member"])
    assert strict.post("/api/tokens/", {"name": "x"}).status_code == 403
    assert client.get("/api/tokens/").status_code in (302, 405)
