import json
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError
from django.urls import reverse

from tests.factories import UserFactory
from tests.factories.users import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_home_page_shows_mission_groups_and_navigation(client, demo_content):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Technologies and architectures for future EMIS" in html
    assert "Enabling environment for future EMIS" in html
    assert "Peer learning and capacity development" in html
    for label, url in [
        ("Working groups", "/working-groups/"),
        ("Knowledge library", "/knowledge/"),
        ("Lessons learned", "/lessons-learned/"),
        ("Events", "/events/"),
        ("Forums", "/forums/"),
    ]:
        assert f'href="{url}"' in html and label in html
    assert 'role="search"' in html
    assert 'class="skip-link" href="#main"' in html
    assert "How to join" in html
    assert "Call for case studies on data use at district level" in html  # a discussion


def test_pages_carry_no_external_assets(client, home_page):
    html = client.get("/").content.decode()

    assert "https://" not in html.split("<body")[0]
    assert "cdn" not in html.lower()


def test_unknown_page_renders_404_in_site_design(client, home_page):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'id="main"' in html


def test_500_page_renders_in_site_design(rf, home_page):
    from django.contrib.auth.models import AnonymousUser

    from portal.views import server_error

    request = rf.get("/")
    request.user = AnonymousUser()
    response = server_error(request)

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_healthz_is_cheap_liveness_that_tells_the_public_nothing(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


def test_with_the_database_down_liveness_answers_and_readiness_does_not(client):
    with mock.patch(
        "portal.views.connection.cursor", side_effect=OperationalError("down")
    ):
        live = client.get("/healthz")
        ready = client.get("/readyz")

    assert live.status_code == 200
    assert ready.status_code == 503
    assert json.loads(ready.content) == {"status": "not ready"}


class TestSignUp:
    url = "/accounts/signup/"

    def test_sign_up_sends_verification_email(self, client, home_page):
        response = client.post(
            self.url,
            {
                "email": "ana@ministry.example.org",
                "password1": "a-long-passphrase-2026",
                "password2": "a-long-passphrase-2026",
                "display_name": "Ana Pereira",
                "organisation": "Ministry of Education",
                "country": "MZ",
            },
        )

        assert response.status_code == 302
        assert response["Location"] == reverse("account_email_verification_sent")
        assert len(mail.outbox) == 1
        assert "ana@ministry.example.org" in mail.outbox[0].to
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(email="ana@ministry.example.org")
        assert user.profile.display_name == "Ana Pereira"
        assert str(user.profile.country) == "MZ"

    def test_invalid_email_keeps_what_was_typed(self, client, home_page):
        response = client.post(
            self.url,
            {
                "email": "not-an-email",
                "password1": "a-long-passphrase-2026",
                "password2": "a-long-passphrase-2026",
                "display_name": "Ana Pereira",
                "organisation": "Ministry of Education",
            },
        )

        assert response.status_code == 200
        html = response.content.decode()
        assert "Enter a valid email address." in html
        assert 'value="not-an-email"' in html
        assert 'value="Ana Pereira"' in html
        assert 'value="Ministry of Education"' in html
        assert len(mail.outbox) == 0

    def test_weak_password_is_refused_with_a_clear_error(self, client, home_page):
        response = client.post(
            self.url,
            {
                "email": "ana@ministry.example.org",
                "password1": "12345",
                "password2": "12345",
                "display_name": "Ana Pereira",
            },
        )

        assert response.status_code == 200
        html = response.content.decode()
        assert "This password is too short" in html
        assert 'value="ana@ministry.example.org"' in html
        assert 'value="Ana Pereira"' in html


def test_sign_in_and_out(client, home_page):
    user = UserFactory(username="grace", email="grace@example.org")

    response = client.post(
        "/accounts/login/", {"login": "grace@example.org", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert client.get("/").context["user"] == user
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


def test_sign_in_with_wrong_password_keeps_email(client, home_page):
    UserFactory(username="grace", email="grace@example.org")

    response = client.post(
        "/accounts/login/", {"login": "grace@example.org", "password": "wrong-password"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="grace@example.org"' in html
    assert "not correct" in html


def test_password_reset_sends_email(client, home_page):
    UserFactory(username="grace", email="grace@example.org")

    response = client.post("/accounts/password/reset/", {"email": "grace@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


class TestProfileEdit:
    url = "/accounts/profile/"

    def test_requires_sign_in(self, client, home_page):
        response = client.get(self.url)

        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_member_updates_profile(self, client, home_page):
        user = UserFactory()
        client.force_login(user)

        response = client.post(
            self.url,
            {
                "display_name": "Dr. Amina Diallo",
                "organisation": "UNESCO IIEP",
                "country": "SN",
                "job_title": "EMIS specialist",
                "expertise": "data governance, school census",
                "bio": "Fifteen years of school census work.",
            },
        )

        assert response.status_code == 302
        user.profile.refresh_from_db()
        assert user.profile.display_name == "Dr. Amina Diallo"
        assert user.profile.job_title == "EMIS specialist"
        assert sorted(t.name for t in user.profile.expertise.all()) == [
            "data governance",
            "school census",
        ]
        assert "Dr. Amina Diallo" in client.get("/").content.decode()

    def test_bad_input_keeps_text(self, client, home_page):
        user = UserFactory()
        client.force_login(user)

        response = client.post(
            self.url,
            {"display_name": "Ana", "country": "XX-not-a-country", "bio": "My story"},
        )

        assert response.status_code == 200
        html = response.content.decode()
        assert "Select a valid choice" in html
        assert "My story" in html
