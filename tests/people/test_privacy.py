"""Privacy by default: nobody is listed without opting in, and a mentoring
exchange is for its two participants only, whoever else asks."""

import re

import pytest
from django.urls import reverse

from people.services import directory_entry_update, mentoring_request_answer
from tests.factories import UserFactory
from tests.factories.people import expert_create, mentoring_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def unlisted(db):
    """A member with a full profile and expertise, who never opted in."""
    user = UserFactory(username="hidden", display_name="Hilda Hidden")
    profile = user.profile
    profile.country = "SN"
    profile.organisation = "Secret Ministry"
    profile.save()
    directory_entry_update(
        user=user,
        listed=False,
        expertise_areas=["school-census"],
        countries_worked_in=["SN"],
        languages_spoken=["fr"],
    )
    return user


def test_unlisted_member_is_not_in_the_directory(client, expert, unlisted, requester):
    client.force_login(requester)
    for params in (
        "",
        "?q=Hilda",
        "?expertise=school-census",
        "?country=SN",
        "?language=fr",
        "?region=africa",
    ):
        response = client.get(reverse("people:directory") + params)
        assert response.status_code == 200
        assert "Hilda Hidden" not in response.content.decode()
    assert "Awa Ndiaye" in client.get(reverse("people:directory")).content.decode()


def test_unlisted_member_has_no_expert_page(client, unlisted, requester):
    client.force_login(requester)
    response = client.get(reverse("people:expert", args=[unlisted.pk]))
    assert response.status_code == 404


def test_unlisted_member_cannot_be_asked_for_mentoring(client, unlisted, requester):
    client.force_login(requester)
    response = client.post(
        reverse("people:expert", args=[unlisted.pk]),
        {"kind": "exchange", "topic": "Census", "context": "Tried paper."},
    )
    assert response.status_code == 404
    assert not unlisted.mentoring_requests_received.exists()


def test_unlisted_member_is_not_on_country_pages(client, expert, unlisted, requester):
    client.force_login(requester)
    page = client.get(reverse("places:country", args=["sn"])).content.decode()
    assert "Awa Ndiaye" in page
    assert "Hilda Hidden" not in page
    region = client.get(reverse("places:region", args=["africa"])).content.decode()
    assert "Awa Ndiaye" in region
    assert "Hilda Hidden" not in region


def test_unlisted_member_is_not_in_search_or_the_api(
    client, expert, unlisted, requester
):
    client.force_login(requester)
    for url, secret in (
        ("/search/?q=Hilda", "Hilda Hidden"),
        ("/api/search/?q=Hilda", "Hilda Hidden"),
        ("/search/?q=Secret+Ministry", "Hilda"),
        ("/api/search/?q=Secret+Ministry", "Hilda"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert secret not in response.content.decode()


def test_the_read_api_lists_no_member_profiles(client, expert, unlisted, requester):
    """The API has no people endpoint: a member's directory entry (expertise,
    countries, organisation) is served by the directory alone."""
    client.force_login(requester)
    schema = client.get("/api/schema/").content.decode()
    paths = re.findall(r"^  (/\S*):$", schema, flags=re.M)
    assert "/api/resources/" in paths
    assert not [path for path in paths if "people" in path or "member" in path]
    for url in ("/api/", "/api/resources/", "/api/events/", "/api/threads/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Secret Ministry" not in body and "Hilda Hidden" not in body


def test_visitors_see_no_member_at_all(client, expert):
    directory = client.get(reverse("people:directory"))
    assert directory.status_code == 302
    assert "/accounts/login/" in directory["Location"]
    page = client.get(reverse("places:country", args=["sn"])).content.decode()
    assert "Awa Ndiaye" not in page
    assert "to see the members who work there" in page


def test_opting_out_removes_a_member_everywhere(client, expert, requester):
    directory_entry_update(user=expert, listed=False)
    client.force_login(requester)
    assert "Awa Ndiaye" not in client.get(reverse("people:directory")).content.decode()
    assert (
        "Awa Ndiaye"
        not in client.get(reverse("places:country", args=["sn"])).content.decode()
    )
    assert client.get(reverse("people:expert", args=[expert.pk])).status_code == 404


@pytest.fixture
def exchange(expert, requester):
    request = mentoring_create(
        requester=requester,
        expert=expert,
        accept=True,
        topic="Confidential census reform",
        context="Our minister wants it quiet.",
    )
    from people.services import mentoring_message_create

    mentoring_message_create(
        author=requester, request=request, body="A private question about budgets."
    )
    return request


ACTIONS = [
    ("people:mentoring_detail", "get", {}),
    ("people:mentoring_message", "post", {"body": "Let me in"}),
    ("people:mentoring_close", "post", {"outcome": "Closed by intruder"}),
    ("people:mentoring_answer", "post", {"decision": "decline"}),
    ("people:mentoring_withdraw", "post", {}),
    ("people:lesson_propose", "get", {}),
    ("people:lesson_decide", "post", {"consent": "yes"}),
]


@pytest.mark.parametrize("who", ["bystander", "moderator", "staff_not_superuser"])
@pytest.mark.parametrize("name,method,data", ACTIONS)
def test_third_parties_are_refused_every_mentoring_route(
    client, request, exchange, who, name, method, data
):
    client.force_login(request.getfixturevalue(who))
    url = reverse(name, args=[exchange.pk])
    response = getattr(client, method)(url, data)
    assert response.status_code == 404
    assert "Confidential census reform" not in response.content.decode()
    exchange.refresh_from_db()
    assert exchange.status == "accepted"
    assert exchange.messages.count() == 1


@pytest.mark.parametrize("name,method,data", ACTIONS)
def test_visitors_are_sent_to_sign_in_on_every_mentoring_route(
    client, exchange, name, method, data
):
    response = getattr(client, method)(reverse(name, args=[exchange.pk]), data)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_superusers_do_not_read_the_conversation_either(client, exchange, superuser):
    client.force_login(superuser)
    response = client.get(reverse("people:mentoring_detail", args=[exchange.pk]))
    assert response.status_code == 404


def test_both_participants_read_the_conversation(client, exchange, expert, requester):
    for user in (expert, requester):
        client.force_login(user)
        page = client.get(reverse("people:mentoring_detail", args=[exchange.pk]))
        assert page.status_code == 200
        assert "A private question about budgets." in page.content.decode()


def test_moderators_see_counts_but_no_conversation(
    client, exchange, moderator, bystander
):
    client.force_login(moderator)
    page = client.get(reverse("people:mentoring_counts")).content.decode()
    assert "Mentoring in numbers" in page
    for secret in ("Confidential census reform", "budgets", "Lin Wei", "Awa Ndiaye"):
        assert secret not in page
    client.force_login(bystander)
    assert client.get(reverse("people:mentoring_counts")).status_code == 403


def test_declining_reveals_nothing_to_third_parties(
    client, expert, requester, bystander, moderator
):
    request = mentoring_create(
        requester=requester, expert=expert, topic="Sensitive payroll audit"
    )
    mentoring_request_answer(
        expert=expert, request=request, accept=False, note="Too close to my ministry."
    )
    for viewer in (bystander, moderator):
        client.force_login(viewer)
        for url in (
            reverse("people:directory"),
            reverse("people:expert", args=[expert.pk]),
            reverse("people:mentoring_inbox"),
            reverse("places:country", args=["sn"]),
            "/search/?q=payroll",
        ):
            body = client.get(url).content.decode()
            assert "Sensitive payroll audit" not in body
            assert "Too close to my ministry" not in body
            assert "Declined" not in body
    client.force_login(requester)
    page = client.get(reverse("people:mentoring_detail", args=[request.pk]))
    assert "Too close to my ministry." in page.content.decode()


def test_expert_listing_shows_no_email(client, expert, requester):
    client.force_login(requester)
    for url in (
        reverse("people:directory"),
        reverse("people:expert", args=[expert.pk]),
    ):
        assert expert.email not in client.get(url).content.decode()


def test_other_listed_expert_is_not_told_of_requests(client, expert, requester):
    other = expert_create("other", display_name="Other Expert")
    mentoring_create(requester=requester, expert=expert, topic="Private topic")
    client.force_login(other)
    assert (
        "Private topic"
        not in client.get(reverse("people:mentoring_inbox")).content.decode()
    )
