"""The world map: keyboard-reachable country links, a table with the same
counts, and no axe violations."""

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_map_links_table_and_accessibility(page, demo_live):
    page.goto("/countries/")
    links = page.locator("svg a")
    expect(links.first).to_be_attached()
    labels = links.evaluate_all("els => els.map(a => a.getAttribute('aria-label'))")
    rows = page.locator(".country-table tbody tr")
    table = {
        row.locator("th a").inner_text(): row.locator("td").last.inner_text()
        for row in rows.all()
    }
    mapped = {
        re.match(r"(.+): (\d+) items? shared", label).group(1): re.match(
            r"(.+): (\d+) items? shared", label
        ).group(2)
        for label in labels
    }
    assert mapped  # the demo shares about several countries
    for name, total in mapped.items():
        assert table[name] == total

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "places-map.png"), full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    # Keyboard: tabbing reaches a country on the map, Enter opens its page.
    page.locator("#map-caption").scroll_into_view_if_needed()
    first = links.first.get_attribute("aria-label").split(":")[0]
    links.first.focus()
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(first)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
