"""Snippet cleaning, whatever backend made the fragments."""

from search.documents import MARK_END, MARK_START
from search.faceted import SearchHit
from search.snippets import clean_snippet, strip_markdown

S, E = MARK_START, MARK_END


def test_a_repeated_fragment_is_shown_once():
    snippet = (
        f"Every year about a third of schools {S}report{E} late … "
        f"Every year about a third of schools {S}report{E} late … "
        f"District offices {S}report{E} by phone"
    )

    cleaned = clean_snippet(snippet)

    assert cleaned == (
        f"Every year about a third of schools {S}report{E} late … "
        f"District offices {S}report{E} by phone"
    )


def test_a_fragment_inside_another_gives_way_to_it():
    cleaned = clean_snippet(
        f"schools {S}report{E} late … Every year schools {S}report{E} late again"
    )

    assert cleaned == f"Every year schools {S}report{E} late again"


def test_overlapping_fragments_are_joined_without_repeating():
    cleaned = clean_snippet(
        f"the {S}census{E} starts in March and ends … starts in March and ends "
        f"in May with the {S}census{E} report"
    )

    assert cleaned == (
        f"the {S}census{E} starts in March and ends in May with the {S}census{E} report"
    )


def test_the_title_is_not_repeated():
    title = "Late census returns"
    cleaned = clean_snippet(
        f"Late {S}census{E} returns. Every year a third are late … {title}", title
    )

    assert cleaned == "Every year a third are late"


def test_markdown_shows_as_text():
    assert strip_markdown("The **district** offices") == "The district offices"
    assert strip_markdown("Call [the office](https://example.org) now") == (
        "Call the office now"
    )
    assert strip_markdown("## Results\n- one\n- two") == "Results\none\ntwo"
    assert strip_markdown("use `psql` and _care_") == "use psql and care"
    assert clean_snippet(f"**{S}Census{E}** results") == f"{S}Census{E} results"


def test_a_hit_cleans_its_snippet_and_its_summary():
    hit = SearchHit(
        key="x:1",
        source="x",
        object_id=1,
        kind="resource",
        title="Census",
        url="/x/",
        summary="A **bold** summary",
        snippet=f"one {S}two{E} … one {S}two{E}",
    )

    assert hit.snippet == f"one {S}two{E}"
    hit.snippet = ""
    assert str(hit.snippet_html) == "A bold summary"


def test_a_sentence_repeated_inside_a_fragment_is_shown_once():
    cleaned = clean_snippet(
        f"Every year a third {S}report{E} late. Every year a third {S}report{E} "
        f"late. Districts follow up."
    )

    assert cleaned == f"Every year a third {S}report{E} late. Districts follow up."
