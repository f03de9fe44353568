"""A visitor finds a resource through the search box: autocomplete suggestion,
a facet to narrow the results, then a highlighted hit."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.search


def test_search_box_suggestion_facet_and_highlighted_hit(page, demo_live):
    page.goto("/")
    box = page.get_by_role("combobox", name="Search the portal")
    box.press_sequentially("data gov", delay=30)

    suggestions = page.locator("#site-search-suggestions")
    expect(suggestions).to_be_visible()
    tag = (
        suggestions.get_by_role("option")
        .filter(has_text="data governance")
        .filter(has_text="Tag")
    )
    expect(tag).to_have_count(1)
    box.press("ArrowDown")
    expect(page.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    tag.click()

    expect(page).to_have_url(
        re.compile(r"/search/\?q=data\+governance&tag=data\+governance")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    results = page.get_by_role(
        "heading", name=re.compile(r"results? for “data governance”")
    )
    expect(results).to_be_visible()

    facets = page.get_by_role("complementary")
    facets.get_by_role("group", name="Type").get_by_label(
        re.compile("^Resource")
    ).check()
    facets.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"kind=resource"))
    expect(page.get_by_role("link", name=re.compile("Type: Resource"))).to_be_visible()
    hits = page.locator(".search-hit")
    expect(hits.first).to_be_visible()
    for kind in hits.locator(".search-hit__badges .badge").first.all_text_contents():
        assert kind == "Resource"

    first = hits.first.get_by_role("link").first
    expect(first.locator("mark").first).to_be_visible()
    title = first.inner_text()
    first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert "/knowledge/" in page.url
