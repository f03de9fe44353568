"""Related content at a mature community's size (issue 18): the database
backend chooses a document's words by their rarity and, past a few thousand
matches, ranks only documents sharing two of its best words; a resource page
keeps its related list for a while and checks it against what the reader may
see now on every view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.services.moderation import thread_hide
from search.backends.database import DatabaseSearchBackend
from search.backends.database import related as database_related
from search.permissions import PUBLIC_SCOPE, SearchScope
from tests.factories import MembershipFactory, ResourceFactory, UserFactory
from working_groups.models import Visibility

from .conftest import make_document
from .test_answer_views import committed, community  # noqa: F401  (fixtures)
from .test_contract_answers import discussion

pytestmark = pytest.mark.search


def test_rare_words_lead_and_words_in_most_documents_are_dropped():
    documents, floor = 72_000, 0.001
    rows = [
        # lexeme, count in the document, share of documents (None: rare)
        ("school", 7, 0.99, documents, floor),
        ("data", 9, 0.06, documents, floor),
        ("gender", 1, 0.004, documents, floor),
        ("tablets", 1, None, documents, floor),
        ("ministry", 1, 0.07, documents, floor),
    ]

    terms, estimate = database_related.choose_terms(rows)

    assert "school" not in terms  # in 99 % of the documents
    assert terms[0] == "data"  # nine times in the document
    assert terms.index("tablets") < terms.index("gender") < terms.index("ministry")
    assert 9_000 < estimate < 10_000  # the shares of the chosen words, summed


def test_a_small_corpus_keeps_every_word():
    rows = [("census", 2, 1.0, 6, 0.5), ("tablets", 1, 0.5, 6, 0.5)]

    terms, _estimate = database_related.choose_terms(rows)

    assert sorted(terms) == ["census", "tablets"]


def _corpus(backend):
    source = make_document(
        title="School census on tablets",
        tags=["census", "tablets"],
        summary="Collecting the school census on tablets in every district.",
    )
    backend.bulk(
        [
            source,
            make_document(
                title="Tablets for the census",
                summary="Census returns typed on tablets by district officers.",
            ),
            make_document(
                title="Census tablets audit",
                summary="An audit of census tablets.",
                is_public=False,
                group_ids=[7],
            ),
            make_document(title="District budgets", summary="One word in common."),
            *discussion(
                61,
                "Census on tablets?",
                "Has anyone run the census on tablets?",
                ["Tablets worked for our census.", "The census tablets broke."],
            ),
        ]
    )
    return source


def test_past_the_selective_size_candidates_share_two_of_the_best_words(
    db, monkeypatch
):
    backend = DatabaseSearchBackend("database")
    source = _corpus(backend)
    # As if every word were frequent (a mature community): the bounded read.
    monkeypatch.setattr(database_related, "RELATED_SELECTIVE", 0)

    visitor = [hit.title for hit in backend.related(source.key, PUBLIC_SCOPE)]
    member = backend.related(source.key, SearchScope(group_ids=frozenset({7})))

    assert sorted(visitor) == ["Census on tablets?", "Tablets for the census"]
    assert "Census tablets audit" in [hit.title for hit in member]
    assert visitor.count("Census on tablets?") == 1  # one hit per discussion
    assert "District budgets" not in visitor  # one word in common only


def _related_titles(response):
    return [hit.title for hit in response.context["related"]]


def test_a_kept_related_list_never_shows_a_hidden_discussion(
    client,
    community,  # noqa: F811
    committed,  # noqa: F811
):
    page = community["resource"].url
    assert "Census deadlines" in _related_titles(client.get(page))

    with CaptureQueriesContext(connection) as first:
        client.get(page)
    committed(
        thread_hide,
        moderator=UserFactory(is_staff=True),
        thread=community["thread"],
    )

    assert "Census deadlines" not in _related_titles(client.get(page))
    statements = " ".join(query["sql"] for query in first.captured_queries)
    assert "ts_rank" not in statements  # kept: not ranked again


def test_a_new_resource_shows_in_related_lists_at_once(
    client,
    community,  # noqa: F811
    committed,  # noqa: F811
):
    page = community["resource"].url
    assert "Enumerators census checklist" not in _related_titles(client.get(page))

    committed(
        ResourceFactory,
        title="Enumerators census checklist",
        introduction="What enumerators check during the school census.",
        tags=["census"],
    )

    assert "Enumerators census checklist" in _related_titles(client.get(page))


def test_related_lists_are_kept_per_visibility_scope(
    client,
    community,  # noqa: F811
    committed,  # noqa: F811
):
    committed(
        ResourceFactory,
        title="Census enumerators pay scales",
        introduction="What the group pays its census enumerators.",
        tags=["census"],
        parent=community["group"],
        visibility=Visibility.MEMBERS,
    )
    member = MembershipFactory(group=community["group"]).user
    page = community["resource"].url

    visitor_first = _related_titles(client.get(page))
    client.force_login(member)
    member_titles = _related_titles(client.get(page))
    client.logout()
    visitor_again = _related_titles(client.get(page))

    assert "Census enumerators pay scales" in member_titles
    assert "Census enumerators pay scales" not in visitor_first
    assert visitor_again == visitor_first
