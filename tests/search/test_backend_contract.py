"""The search backend contract, run against every backend (database and
real OpenSearch 2.19 and Elasticsearch 8.19 nodes, see tests/engines)."""

from datetime import UTC, datetime

import pytest

from search.documents import Kind
from search.faceted import SearchQuery, Sort
from search.permissions import PUBLIC_SCOPE, SearchScope

from .conftest import make_document

pytestmark = pytest.mark.search

STAFF = SearchScope(all=True)


def titles(results):
    return [hit.title for hit in results.hits]


def search(backend, text="", scope=PUBLIC_SCOPE, **options):
    filters = {k: tuple(v) for k, v in options.pop("filters", {}).items()}
    return backend.search(SearchQuery(text=text, filters=filters, **options), scope)


def facet_counts(results, name):
    return {b.value: b.count for b in results.facets[name].buckets}


def test_title_match_ranks_above_body_match(backend):
    backend.bulk(
        [
            make_document(
                title="Annual statistical yearbook",
                body="This yearbook closes with the interoperability of school registers.",
            ),
            make_document(
                title="Interoperability of school registers",
                body="How ministries connect their registers.",
            ),
            make_document(title="Teacher payroll", body="Nothing related."),
        ]
    )

    results = search(backend, "interoperability")

    assert titles(results) == [
        "Interoperability of school registers",
        "Annual statistical yearbook",
    ]
    assert results.total == 2


def test_phrase_exclusion_and_or_syntax(backend):
    backend.bulk(
        [
            make_document(title="Data governance in ministries"),
            make_document(title="Governance of open data portals"),
            make_document(title="Student data quality"),
            make_document(title="Teacher training stories"),
        ]
    )

    phrase = search(backend, '"data governance"')
    exclusion = search(backend, "data -governance")
    alternatives = search(backend, "payroll or training")

    assert titles(phrase) == ["Data governance in ministries"]
    assert titles(exclusion) == ["Student data quality"]
    assert titles(alternatives) == ["Teacher training stories"]


def test_typo_tolerance_finds_lessons_learned(backend):
    backend.bulk(
        [
            make_document(
                title="Lessons learned from a national EMIS rollout",
                summary="What went wrong and what we would do again.",
            ),
            make_document(title="School census handbook"),
        ]
    )

    results = search(backend, "lesons lerned")

    assert "Lessons learned from a national EMIS rollout" in titles(results)
    assert "School census handbook" not in titles(results)


def test_did_you_mean_offers_a_better_spelling_that_finds_more(backend):
    backend.bulk(
        [
            make_document(title="Education statistics yearbook"),
            make_document(title="Statistics capacity in districts"),
            make_document(title="Statistiques scolaires", language="fr"),
        ]
    )

    results = search(backend, "statisticss")

    assert results.total >= 1
    assert (results.suggestion or results.corrected_text or "").lower() in {
        "statistics",
        "statistiques",
    }


def test_facets_count_the_current_query_or_within_and_across(backend):
    backend.bulk(
        [
            make_document(
                title="Data report one",
                kind=Kind.RESOURCE,
                format="report",
                knowledge_type="explicit",
                tags=["data", "finance"],
                year=2021,
            ),
            make_document(
                title="Data report two",
                kind=Kind.RESOURCE,
                format="report",
                knowledge_type="explicit",
                tags=["data"],
                year=2022,
            ),
            make_document(
                title="Data lesson",
                kind=Kind.RESOURCE,
                format="lesson-learned",
                knowledge_type="tacit",
                tags=["data", "finance"],
                year=2022,
            ),
            make_document(title="Data webinar", kind=Kind.EVENT, year=2023),
            make_document(title="Data discussion", kind=Kind.THREAD, year=2023),
            make_document(title="Unrelated report", format="report", year=2022),
        ]
    )

    everything = search(backend, "data")
    one_kind = search(backend, "data", filters={"kind": ["event"]})
    two_kinds = search(backend, "data", filters={"kind": ["event", "thread"]})
    across = search(backend, "data", filters={"format": ["report"], "tag": ["finance"]})

    assert everything.total == 5
    assert facet_counts(everything, "kind") == {"resource": 3, "event": 1, "thread": 1}
    assert facet_counts(everything, "format") == {"report": 2, "lesson-learned": 1}
    assert facet_counts(everything, "tag") == {"data": 3, "finance": 2}
    assert facet_counts(everything, "year") == {"2021": 1, "2022": 2, "2023": 2}
    # OR within a facet: the kind facet still counts the other kinds.
    assert titles(one_kind) == ["Data webinar"]
    assert facet_counts(one_kind, "kind") == {"resource": 3, "event": 1, "thread": 1}
    assert facet_counts(one_kind, "year") == {"2023": 1}
    assert sorted(titles(two_kinds)) == ["Data discussion", "Data webinar"]
    # AND across facets.
    assert titles(across) == ["Data report one"]
    assert facet_counts(across, "tag") == {"data": 2, "finance": 1}
    assert facet_counts(across, "format") == {"report": 1, "lesson-learned": 1}
    selected = [b.value for b in across.facets["format"].buckets if b.selected]
    assert selected == ["report"]


def test_highlights_mark_the_terms_and_escape_markup(backend):
    backend.bulk(
        [
            make_document(
                title="Mentors for district officers",
                body=(
                    "An introduction. <script>alert('x')</script> Pairing new data "
                    "officers (ratio < 5 & rising) with experienced mentors sped up "
                    "the census."
                ),
            )
        ]
    )

    hit = search(backend, "mentors").hits[0]

    assert "<mark>Mentors</mark>" in hit.title_html
    assert "<mark>mentors</mark>" in hit.snippet_html
    assert "&lt; 5 &amp; rising" in hit.snippet_html
    assert "<script>" not in hit.snippet_html
    assert hit.is_highlighted


def test_pagination_is_stable_and_complete(backend):
    backend.bulk(
        [
            make_document(
                title=f"Census guide {n:02d}",
                date=datetime(2020, 1, n + 1, tzinfo=UTC),
            )
            for n in range(25)
        ]
    )

    pages = [
        search(backend, "census", page=page, per_page=10, sort=Sort.DATE)
        for page in (1, 2, 3)
    ]

    seen = [title for page in pages for title in titles(page)]
    assert [len(page.hits) for page in pages] == [10, 10, 5]
    assert all(page.total == 25 for page in pages)
    assert len(set(seen)) == 25
    assert seen[0] == "Census guide 24"  # newest first
    assert pages[0].has_next and not pages[2].has_next


@pytest.mark.parametrize(
    ("language", "title", "query"),
    [
        ("en", "Learning from school inspections", "learned inspection"),
        ("fr", "Les écoles primaires et leurs enseignants", "école enseignant"),
        ("es", "Escuelas rurales y maestras", "escuela maestra"),
        ("ru", "Школы и учителя", "школа учитель"),
    ],
)
def test_language_aware_stemming(backend, language, title, query):
    backend.bulk(
        [
            make_document(title=title, language=language),
            make_document(title="Something else entirely", language=language),
        ]
    )

    assert titles(search(backend, query)) == [title]


def test_accents_are_ignored(backend):
    backend.bulk([make_document(title="Éducation de base", language="fr")])

    assert titles(search(backend, "education")) == ["Éducation de base"]


def test_deleted_documents_vanish_from_hits_and_facets(backend):
    keep = make_document(title="Budget review", tags=["finance"])
    gone = make_document(title="Budget lessons", tags=["finance", "obsolete"])
    backend.bulk([keep, gone])

    backend.delete([gone.key, "test.item:999999"])
    results = search(backend, "budget")

    assert titles(results) == ["Budget review"]
    assert facet_counts(results, "tag") == {"finance": 1}
    assert backend.count() == 1


def test_reindexing_twice_gives_the_same_index(backend):
    documents = [make_document(title=f"Policy brief {n}") for n in range(7)]
    stale = make_document(title="Policy brief that was deleted meanwhile")
    backend.bulk([stale])

    first = backend.reindex(iter(documents), batch_size=3)
    second = backend.reindex(iter(documents), batch_size=3)
    results = search(backend, "policy brief")

    assert first.indexed == second.indexed == 7
    assert backend.count() == 7
    assert results.total == 7
    assert stale.title not in titles(results)
    assert backend.keys() == {d.key for d in documents}


def test_sort_by_date_or_relevance(backend):
    backend.bulk(
        [
            make_document(
                title="Assessment", body="x", date=datetime(2019, 1, 1, tzinfo=UTC)
            ),
            make_document(
                title="Other", body="assessment", date=datetime(2024, 1, 1, tzinfo=UTC)
            ),
        ]
    )

    assert titles(search(backend, "assessment")) == ["Assessment", "Other"]
    assert titles(search(backend, "assessment", sort=Sort.DATE)) == [
        "Other",
        "Assessment",
    ]


def test_filters_without_words_browse_newest_first(backend):
    backend.bulk(
        [
            make_document(
                title="Old event",
                kind=Kind.EVENT,
                date=datetime(2020, 5, 1, tzinfo=UTC),
            ),
            make_document(
                title="New event",
                kind=Kind.EVENT,
                date=datetime(2025, 5, 1, tzinfo=UTC),
            ),
            make_document(title="A resource", kind=Kind.RESOURCE),
        ]
    )

    results = search(backend, "", filters={"kind": ["event"]})

    assert titles(results) == ["New event", "Old event"]


def test_autocomplete_suggests_titles_and_tags(backend):
    backend.bulk(
        [
            make_document(
                title="Lessons learned from Malawi", tags=["lessons-learned"]
            ),
            make_document(title="Learning assessment data", tags=["assessment"]),
            make_document(title="Teacher deployment", tags=["teachers"]),
        ]
    )

    suggestions = backend.suggest("lea", PUBLIC_SCOPE)
    by_text = {s.text: s for s in suggestions}

    assert "Learning assessment data" in by_text
    assert "Lessons learned from Malawi" in by_text  # "learned" starts with "lea"
    assert by_text["Learning assessment data"].url.endswith("/")
    assert "Teacher deployment" not in by_text
    lessons = backend.suggest("lessons", PUBLIC_SCOPE)
    assert [s.text for s in lessons][:1] == ["Lessons learned from Malawi"]
    assert "lessons-learned" in [s.text for s in lessons if s.kind == "tag"]
    assert backend.suggest("l", PUBLIC_SCOPE) == []


class TestPrivacyMatrix:
    """A private document (group 7 only) is invisible to a visitor and to a member
    of another group — in hits, totals, facet counts, suggestions, snippets and
    spelling suggestions — and visible to group 7's members and to staff."""

    @pytest.fixture
    def indexed(self, backend):
        backend.bulk(
            [
                make_document(
                    title="Quarterly enrolment dashboard",
                    summary="Public dashboard of enrolment.",
                    tags=["dashboards"],
                    format="dataset",
                ),
                make_document(
                    title="Confidential enrolment audit",
                    summary="Secret findings about zanzibar enrolment fraud.",
                    body="Enrolment numbers were inflated.",
                    tags=["audit-secret"],
                    format="report",
                    is_public=False,
                    group_ids=[7],
                    working_groups=[7],
                ),
            ]
        )
        return backend

    VISITOR = PUBLIC_SCOPE
    OUTSIDER = SearchScope(group_ids=frozenset({3}))
    MEMBER = SearchScope(group_ids=frozenset({3, 7}))

    @pytest.mark.parametrize(
        "scope", [VISITOR, OUTSIDER], ids=["visitor", "non-member"]
    )
    def test_private_items_are_invisible_to_outsiders(self, indexed, scope):
        results = search(indexed, "enrolment", scope)
        secret = search(indexed, "zanzibar", scope)
        suggestions = indexed.suggest("confid", scope) + indexed.suggest("audit", scope)
        misspelt = search(indexed, "zanzibarr", scope)

        assert titles(results) == ["Quarterly enrolment dashboard"]
        assert results.total == 1
        assert facet_counts(results, "format") == {"dataset": 1}
        assert facet_counts(results, "tag") == {"dashboards": 1}
        assert facet_counts(results, "group") == {}
        assert "zanzibar" not in " ".join(str(h.snippet_html) for h in results.hits)
        assert secret.total == 0 and secret.hits == []
        assert suggestions == []
        assert misspelt.total == 0
        assert not misspelt.suggestion and not misspelt.corrected_text

    @pytest.mark.parametrize("scope", [MEMBER, STAFF], ids=["member", "staff"])
    def test_members_and_staff_see_private_items(self, indexed, scope):
        results = search(indexed, "enrolment", scope)
        suggestions = [s.text for s in indexed.suggest("confid", scope)]
        tags = [s.text for s in indexed.suggest("audit", scope) if s.kind == "tag"]

        assert sorted(titles(results)) == [
            "Confidential enrolment audit",
            "Quarterly enrolment dashboard",
        ]
        assert facet_counts(results, "format") == {"dataset": 1, "report": 1}
        assert facet_counts(results, "group") == {"7": 1}
        assert suggestions == ["Confidential enrolment audit"]
        assert tags == ["audit-secret"]
        assert search(indexed, "zanzibar", scope).total == 1


def test_health_reports_documents(backend):
    backend.bulk([make_document(title="One"), make_document(title="Two")])

    health = backend.health()

    assert health["status"] == "ok"
    assert health["documents"] == 2
