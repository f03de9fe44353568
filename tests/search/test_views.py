"""The search page, the JSON API and the autocomplete endpoint, as people and
the search box use them (database backend, synthetic documents)."""

import re

import pytest
from django.urls import reverse

from search.backends import database_backend
from search.documents import Kind
from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from working_groups.models import Membership

from .conftest import make_document

pytestmark = pytest.mark.search


def page_text(response) -> str:
    """What a reader sees: the page without its tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def index(db):
    backend = database_backend()

    def _index(*documents):
        backend.bulk(documents)
        return documents

    return _index


@pytest.fixture
def private_group(db):
    return WorkingGroupFactory(title="Enabling environment for future EMIS")


@pytest.fixture
def corpus(index, private_group):
    index(
        make_document(
            title="Lessons learned from a national EMIS rollout",
            summary="What went wrong in the first year.",
            body="Data collection moved to tablets; lessons were documented.",
            tags=["lessons-learned", "data-collection"],
            knowledge_type="tacit",
            format="lesson-learned",
            working_groups=[private_group.pk],
        ),
        make_document(
            title="Data collection webinar",
            kind=Kind.EVENT,
            summary="A webinar about school census data collection.",
            tags=["data-collection"],
        ),
        make_document(
            title="Members-only budget lessons",
            summary="Confidential lessons on EMIS budgets.",
            tags=["secret-budget"],
            is_public=False,
            group_ids=[private_group.pk],
            working_groups=[private_group.pk],
        ),
    )


def test_empty_search_explains_the_syntax_and_lists_public_tags(client, corpus):
    response = client.get(reverse("search"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Search tips" in content
    assert "#data-collection" in content
    assert "secret-budget" not in content
    assert (
        response["Cache-Control"].startswith("max-age=0")
        or "private" in response["Cache-Control"]
    )


def test_junk_query_gets_a_helpful_page(client, corpus):
    response = client.get(reverse("search"), {"q": "!!! ??? ---"})

    assert response.status_code == 200
    assert "could not find any words" in response.content.decode()


def test_overlong_query_is_shortened_on_the_page_and_refused_by_the_api(
    client, corpus, settings
):
    long_query = "lessons " + "x" * 5000

    page = client.get(reverse("search"), {"q": long_query})
    api = client.get(reverse("search_api"), {"q": long_query})

    assert page.status_code == 200
    assert "shortened to its first 256 characters" in page.content.decode()
    assert api.status_code == 400
    assert "256" in api.json()["error"]


def test_results_page_highlights_hits_and_counts_facets(
    client, corpus, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = client.get(reverse("search"), {"q": "data collection"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "2 results for “data collection”" in content
    assert "<mark>Data</mark> <mark>collection</mark> webinar" in content
    assert 'name="kind" value="event"' in content
    assert "Members-only budget lessons" not in content
    assert "Sign in to save this search" in page_text(response)


def test_facet_filters_narrow_the_results_and_can_be_removed(client, corpus):
    response = client.get(reverse("search"), {"q": "data collection", "kind": "event"})

    content = response.content.decode()
    text = page_text(response)
    assert "1 result for" in text
    assert "Data collection webinar" in text
    assert "national EMIS rollout" not in text
    assert "Type: Event" in text  # the removable chip
    assert 'href="/search/?q=data+collection"' in content


def test_misspelt_query_shows_corrected_results(client, corpus):
    response = client.get(reverse("search"), {"q": "lesons lerned"})

    content = response.content.decode()
    assert "Showing results for <strong>lessons learned</strong>" in content
    assert "Lessons learned from a national EMIS rollout" in page_text(response)
    assert "spelling=exact" in content


def test_api_returns_hits_highlights_facets_and_next_page(client, index):
    index(*[make_document(title=f"School census report {n}") for n in range(12)])

    response = client.get(reverse("search_api"), {"q": "census", "per_page": 5})

    data = response.json()
    assert response.status_code == 200
    assert data["total"] == 12
    assert len(data["hits"]) == 5
    assert "<mark>census</mark>" in data["hits"][0]["title_html"]
    assert set(data["hits"][0]) >= {
        "title",
        "url",
        "kind",
        "kind_label",
        "snippet_html",
    }
    assert data["facets"]["kind"]["buckets"] == [
        {"value": "resource", "label": "Resource", "count": 12, "selected": False}
    ]
    assert data["next"].endswith("page=2") or "page=2" in data["next"]
    assert data["previous"] is None
    assert data["engine"] == "database" and data["degraded"] is False
    last = client.get(data["next"].replace("page=2", "page=3")).json()
    assert len(last["hits"]) == 2 and last["next"] is None


def test_api_reports_bad_input_as_json_errors(client, db):
    assert client.get(reverse("search_api")).status_code == 400
    bad_page = client.get(reverse("search_api"), {"q": "data", "page": "two"})
    assert bad_page.status_code == 400
    assert "page" in bad_page.json()["error"]


def test_api_suggestion_when_spelling_finds_more(client, index):
    index(
        make_document(title="Teacher deployment"),
        make_document(title="Teacher deployment in rural districts"),
        make_document(title="Teacher payroll audit"),
        make_document(title="Teachers unions"),
    )

    data = client.get(
        reverse("search_api"), {"q": "teachr", "spelling": "exact"}
    ).json()

    assert data["total"] == 0
    assert data["suggestion"] == "teacher"


def test_autocomplete_suggests_titles_and_tags_the_visitor_may_see(client, corpus):
    response = client.get(reverse("search_suggest"), {"q": "less"})

    suggestions = response.json()["suggestions"]
    texts = [s["text"] for s in suggestions]
    assert response.status_code == 200
    assert texts[0] == "Lessons learned from a national EMIS rollout"
    assert suggestions[0]["url"].startswith("/items/")
    assert suggestions[0]["kind_label"] == "Resource"
    assert "lessons-learned" in texts
    assert "Members-only budget lessons" not in texts
    assert 1 <= len(suggestions) <= 10


def test_autocomplete_ignores_one_letter_and_refuses_huge_input(client, corpus):
    assert client.get(reverse("search_suggest"), {"q": "l"}).json() == {
        "suggestions": []
    }
    assert client.get(reverse("search_suggest"), {"q": "x" * 500}).status_code == 400


def test_joining_and_leaving_a_group_changes_results_without_reindexing(
    client, corpus, private_group
):
    """Visibility is filtered at query time from current memberships: nothing is
    reindexed when someone joins or leaves a group."""
    user = UserFactory()
    client.force_login(user)

    def private_visible():
        response = client.get(reverse("search_api"), {"q": "budget lessons"})
        return "Members-only budget lessons" in [
            h["title"] for h in response.json()["hits"]
        ]

    assert not private_visible()
    membership = MembershipFactory(user=user, group=private_group)
    assert private_visible()
    membership.status = Membership.Status.LEFT
    membership.save()
    assert not private_visible()


def test_group_facet_names_only_groups_the_user_may_see(client, corpus, private_group):
    response = client.get(reverse("search_api"), {"q": "lessons"})

    buckets = response.json()["facets"]["group"]["buckets"]
    assert buckets == [
        {
            "value": str(private_group.pk),
            "label": "Enabling environment for future EMIS",
            "count": 1,
            "selected": False,
        }
    ]


def test_staff_see_private_items_with_a_badge(client, corpus):
    client.force_login(UserFactory(username="editor", is_staff=True))

    text = page_text(client.get(reverse("search"), {"q": "budget"}))

    assert "Members-only budget lessons" in text
    assert "Members only" in text


def test_readiness_details_report_the_search_engine(client, corpus, settings):
    settings.READINESS_TOKEN = "ops-token"
    public = client.get("/readyz").json()
    data = client.get("/readyz", headers={"X-Readiness-Token": "ops-token"}).json()

    assert public == {"status": "ready"}  # no counts for the public
    assert data["checks"]["search"]["engine"] == "database"
    assert data["checks"]["search"]["status"] == "ok"
    assert data["checks"]["search"]["documents"] == 3
