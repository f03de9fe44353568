"""The directory as members use it: filters, search, their own entry, asking."""

import pytest
from django.urls import reverse

from people.models import MentoringRequest
from tests.factories import MembershipFactory, ResourceFactory
from tests.factories.people import expert_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def experts(expert, group):
    kenya = expert_create(
        "kamau",
        display_name="Kamau Otieno",
        expertise=["gis"],
        other_expertise="school mapping",
        countries=["KE"],
        languages=["en", "sw"],
        country="KE",
    )
    peru = expert_create(
        "rosa",
        display_name="Rosa Quispe",
        expertise=["financing", "school-census"],
        countries=["PE"],
        languages=["es"],
    )
    return {"awa": expert, "kamau": kenya, "rosa": peru}


def names(response) -> set[str]:
    body = response.content.decode()
    return {n for n in ("Awa Ndiaye", "Kamau Otieno", "Rosa Quispe") if n in body}


@pytest.mark.parametrize(
    "params,expected",
    [
        ("", {"Awa Ndiaye", "Kamau Otieno", "Rosa Quispe"}),
        ("?expertise=school-census", {"Awa Ndiaye", "Rosa Quispe"}),
        ("?expertise=school-census&language=fr", {"Awa Ndiaye"}),
        ("?country=KE", {"Kamau Otieno"}),
        ("?region=latin-america-caribbean", {"Rosa Quispe"}),
        ("?region=africa", {"Awa Ndiaye", "Kamau Otieno"}),
        ("?q=rosa", {"Rosa Quispe"}),
        ("?q=school+mapping", {"Kamau Otieno"}),
        ("?q=Education+financing", {"Rosa Quispe"}),
    ],
)
def test_filters_and_search(client, requester, experts, params, expected):
    client.force_login(requester)
    response = client.get(reverse("people:directory") + params)
    assert response.status_code == 200
    assert names(response) == expected


def test_group_filter_offers_the_viewers_groups(client, experts, group):
    client.force_login(experts["kamau"])
    MembershipFactory(user=experts["kamau"], group=group)
    response = client.get(reverse("people:directory") + f"?group={group.pk}")
    assert names(response) == {"Awa Ndiaye", "Kamau Otieno"}


def test_entry_shows_what_a_person_shared(client, requester, expert, library):
    ResourceFactory(title="Census manual", owner=expert, countries=["SN"])
    ResourceFactory(
        title="Census lesson",
        owner=expert,
        format="lesson-learned",
        knowledge_type="tacit",
    )
    client.force_login(requester)
    page = client.get(reverse("people:expert", args=[expert.pk])).content.decode()
    assert "1 resource, 1 lesson learned, 0 accepted answers" in page
    assert "School census" in page
    assert "French" in page or "Français" in page


def test_member_opts_in_through_their_entry_form(client, requester):
    client.force_login(requester)
    response = client.post(
        reverse("people:directory_entry"),
        {
            "listed": "on",
            "expertise_areas": ["school-census", "gis"],
            "other_expertise": "enrolment projections",
            "countries_worked_in": ["FR", "SN"],
            "languages_spoken": ["fr"],
            "mentoring_capacity": "1",
        },
        follow=True,
    )
    assert "saved and listed" in response.content.decode()
    directory = client.get(reverse("people:directory") + "?expertise=gis")
    assert "Lin Wei" in directory.content.decode()


def test_asking_for_mentoring_through_the_expert_page(client, requester, expert):
    client.force_login(requester)
    response = client.post(
        reverse("people:expert", args=[expert.pk]),
        {
            "kind": "mentoring",
            "topic": "School census on tablets",
            "country": "SN",
            "context": "We piloted paper forms.",
        },
    )
    request = MentoringRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:mentoring_detail", args=[request.pk])
    client.force_login(expert)
    inbox = client.get(reverse("people:mentoring_inbox")).content.decode()
    assert "School census on tablets" in inbox
    assert "Lin Wei asked you for mentoring" in inbox


def test_header_shows_unread_mentoring_news(client, requester, expert):
    client.force_login(requester)
    client.post(
        reverse("people:expert", args=[expert.pk]),
        {"kind": "exchange", "topic": "Census", "context": "Paper."},
    )
    client.force_login(expert)
    assert "1 new" in client.get(reverse("people:directory")).content.decode()
    client.get(reverse("people:mentoring_inbox"))
    assert "1 new" not in client.get(reverse("people:directory")).content.decode()


def test_posts_need_csrf(requester, expert):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(requester)
    response = client.post(
        reverse("people:expert", args=[expert.pk]),
        {"kind": "exchange", "topic": "Census", "context": "Paper."},
    )
    assert response.status_code == 403
    assert not MentoringRequest.objects.exists()
