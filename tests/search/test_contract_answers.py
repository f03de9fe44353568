"""Search that reads like an answer, on every backend (database and the real
OpenSearch and Elasticsearch nodes): one hit per discussion, clean snippets and
facet counts that say how many results choosing the value gives."""

from datetime import UTC, datetime

import pytest

from search.documents import MARK_END, MARK_START, Kind, document_key
from search.faceted import FACETS
from search.permissions import PUBLIC_SCOPE, SearchScope

from .conftest import make_document
from .test_backend_contract import facet_counts, search, titles

pytestmark = pytest.mark.search

MEMBER_OF_7 = SearchScope(group_ids=frozenset({7}))


def discussion(thread_id, title, opening, replies, **common):
    """A thread document and its replies' documents, as forums provides them."""
    thread_key = document_key("forums.thread", thread_id)
    url = f"/forums/community/{thread_id}/"
    documents = [
        make_document(
            source="forums.thread",
            object_id=thread_id,
            kind=Kind.THREAD,
            title=title,
            url=url,
            summary=opening[:300],
            body=opening,
            **common,
        )
    ]
    for number, reply in enumerate(replies, start=1):
        fields = {"date": datetime(2024, 2, number, tzinfo=UTC), **common}
        if isinstance(reply, tuple):
            reply, private = reply
            fields.update(private)
        documents.append(
            make_document(
                source="forums.post",
                object_id=thread_id * 100 + number,
                kind=Kind.THREAD,
                collapse_key=thread_key,
                title=title,
                url=f"/forums/post/{thread_id * 100 + number}/",
                summary=reply[:300],
                body=reply,
                **fields,
            )
        )
    return documents


def plain(text):
    return text.replace(MARK_START, "").replace(MARK_END, "")


def test_a_discussion_is_one_hit_with_its_best_reply(backend):
    backend.bulk(
        [
            *discussion(
                41,
                "When to run the school census",
                "Our ministry runs it in March. When do you collect the forms?",
                [
                    "We train the enumerators in January, with the district "
                    "officers, the head teachers and the statistics unit staff.",
                    "Enumerators first: enumerators need two days per district.",
                    "Paying the enumerators on time mattered most to the many "
                    "field teams of the ministry and the regional offices.",
                    "We moved to tablets last year.",
                ],
            ),
            make_document(title="Handbook for census enumerators"),
        ]
    )

    results = search(backend, "enumerators")

    assert results.total == 2
    assert sorted(titles(results)) == [
        "Handbook for census enumerators",
        "When to run the school census",
    ]
    thread_hit = next(h for h in results.hits if h.kind == Kind.THREAD)
    assert thread_hit.matching_replies == 3
    assert thread_hit.is_reply
    assert thread_hit.url == "/forums/post/4102/"  # the best-matching reply
    assert thread_hit.link == "/forums/community/41/"
    assert "two days per district" in plain(thread_hit.snippet)
    assert facet_counts(results, "kind") == {"resource": 1, "thread": 1}


def test_a_matching_thread_counts_once_with_its_replies(backend):
    backend.bulk(
        discussion(
            42,
            "Teacher payroll audits",
            "How did you audit teacher payroll records?",
            ["Payroll audits found ghost teachers.", "Nothing to add."],
        )
    )

    results = search(backend, "payroll")

    assert results.total == 1
    assert len(results.hits) == 1
    assert results.hits[0].matching_replies == 1
    assert facet_counts(results, "kind") == {"thread": 1}


def test_a_members_only_reply_never_shows_in_its_public_threads_hit(backend):
    private = {"is_public": False, "group_ids": [7], "working_groups": [7]}
    backend.bulk(
        discussion(
            43,
            "Budget planning for EMIS units",
            "How do you plan the EMIS budget each year?",
            [
                (
                    "Our budget came from a confidential donor envelope of "
                    "zanzibar figures; budget budget budget.",
                    private,
                ),
                "A public reply about the yearly budget cycle.",
            ],
        )
    )

    visitor = search(backend, "budget", PUBLIC_SCOPE)
    secret = search(backend, "envelope", PUBLIC_SCOPE)
    member = search(backend, "envelope", MEMBER_OF_7)

    assert visitor.total == 1
    hit = visitor.hits[0]
    shown = " ".join([plain(hit.snippet), hit.summary, hit.title, hit.url])
    assert "envelope" not in shown and "zanzibar" not in shown
    assert hit.url != "/forums/post/4301/"
    assert hit.matching_replies == 1  # the public reply only
    assert facet_counts(visitor, "group") == {}
    assert secret.total == 0 and secret.hits == []
    assert member.total == 1
    assert member.hits[0].url == "/forums/post/4301/"
    assert member.hits[0].link == "/forums/community/43/"


def test_snippets_never_repeat_and_never_repeat_the_title(backend):
    sentence = "Every year about a third of the schools send their census late."
    backend.bulk(
        [
            make_document(
                title="Late census returns",
                summary=f"Late census returns. {sentence}",
                body=(
                    f"Late census returns. {sentence} {sentence} The **district** "
                    "offices follow up by [phone](https://example.org/phone). "
                    + "Unrelated words about other things. " * 30
                    + f"{sentence} Schools that send their census late lose a term."
                ),
            )
        ]
    )

    hit = search(backend, "census late").hits[0]
    text = plain(hit.snippet)

    assert text
    assert text.count("Every year about a third") <= 1
    assert not text.lower().startswith("late census returns")
    assert "**" not in str(hit.snippet_html) and "](" not in str(hit.snippet_html)
    for fragment in text.split(" … "):
        assert fragment == fragment.strip() and fragment


def _facet_corpus():
    documents = [
        make_document(
            title="Data report one",
            format="report",
            knowledge_type="explicit",
            level="national",
            tags=["data", "finance"],
            year=2021,
            working_groups=[1],
            regions=["africa"],
            countries=["KE"],
        ),
        make_document(
            title="Data report two",
            format="report",
            knowledge_type="explicit",
            level="regional",
            tags=["data"],
            year=2022,
            working_groups=[1, 2],
            regions=["asia-pacific"],
            countries=["NP", "KE"],
            language="fr",
        ),
        make_document(
            title="Data lesson",
            format="lesson-learned",
            knowledge_type="tacit",
            tags=["data", "finance"],
            year=2022,
            working_groups=[2],
            regions=["africa"],
            countries=["GH"],
        ),
        make_document(title="Data webinar", kind=Kind.EVENT, year=2023),
    ]
    for thread_id, groups in ((51, [1]), (52, [1]), (53, [2])):
        documents += discussion(
            thread_id,
            f"Data question {thread_id}",
            "Who has data on this?",
            ["More data here.", "And data again.", "Data, data."],
            working_groups=groups,
            year=2024,
            date=datetime(2024, 1, 1, tzinfo=UTC),
        )
    return documents


@pytest.mark.parametrize("text", ["data", ""], ids=["words", "browse"])
def test_every_facet_count_is_the_number_of_results_it_gives(backend, text):
    backend.bulk(_facet_corpus())
    filters = {} if text else {"tag": ["data"]}

    results = search(backend, text, filters=filters, per_page=50)

    assert results.total == len(results.hits)
    checked = 0
    for facet in FACETS:
        for bucket in results.facets[facet.name].buckets:
            chosen = dict(filters)
            chosen[facet.name] = [bucket.value]
            narrowed = search(backend, text, filters=chosen, per_page=50)
            assert narrowed.total == bucket.count, (facet.name, bucket.value)
            assert len(narrowed.hits) == bucket.count, (facet.name, bucket.value)
            checked += 1
    assert checked >= 12


def test_facets_count_discussions_not_replies(backend):
    backend.bulk(_facet_corpus())

    results = search(backend, "data", per_page=50)

    assert results.total == 7
    assert facet_counts(results, "group") == {"1": 4, "2": 3}
    assert facet_counts(results, "kind") == {"resource": 3, "thread": 3, "event": 1}
    assert facet_counts(results, "year")["2024"] == 3


def test_related_content_is_alike_visible_and_one_hit_per_discussion(backend):
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
            make_document(title="Teacher payroll", summary="Salaries paid late."),
            *discussion(
                61,
                "Census on tablets?",
                "Has anyone run the census on tablets?",
                ["Tablets worked for our census.", "The census tablets broke."],
            ),
        ]
    )

    visitor = backend.related(source.key, PUBLIC_SCOPE, limit=5)
    member = backend.related(source.key, MEMBER_OF_7, limit=5)

    assert sorted(hit.title for hit in visitor) == [
        "Census on tablets?",
        "Tablets for the census",
    ]
    assert "Census tablets audit" in [hit.title for hit in member]
    assert source.key not in [hit.key for hit in member]
    assert [hit.link for hit in visitor if hit.kind == Kind.THREAD] == [
        "/forums/community/61/"
    ]
