"""The forum lists and the people directory on a phone: results first, the
filters one tap away in a "Filters" panel that applies on submit, and after the
reload the results heading has focus and the count is announced."""

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from portal.demo import DEMO_USERS

PHONE = {"width": 390, "height": 844}


def credentials(key):
    _key, email, _name, password, _staff = next(u for u in DEMO_USERS if u[0] == key)
    return email, password


def apply_in_panel(page, fill):
    panel = page.locator("details[data-filters-panel]")
    expect(panel).not_to_have_attribute("open", "")  # closed: results come first
    page.get_by_role("heading", name="Filters", exact=True).click()
    fill(panel)
    panel.get_by_role("button", name=re.compile("Apply filters|Find experts")).click()
    heading = page.locator("#results-heading")
    expect(heading).to_be_focused()
    expect(page.get_by_role("status").last).to_have_text(
        re.sub(r"\s+", " ", heading.inner_text()).strip()
    )
    expect(page.get_by_role("heading", name="Filters (1)")).to_be_visible()


def first_row_on_first_screen(page, selector):
    # The panel starts open (usable without JavaScript) and the script closes it
    # on a phone: measure once the page has loaded and the layout has settled
    # (after a click the old page may still be the one on screen for a moment).
    page.wait_for_load_state("load")
    expect(page.locator("details[data-filters-panel]")).not_to_have_attribute(
        "open", ""
    )
    limit = PHONE["height"] - 100
    try:
        page.wait_for_function(
            """([selector, limit]) => {
                const row = document.querySelector(selector);
                return row !== null && row.getBoundingClientRect().top < limit;
            }""",
            arg=[selector, limit],
            timeout=5_000,
        )
    except PlaywrightTimeoutError:
        pass  # the assertion below says where the row was
    box = page.locator(selector).first.bounding_box()
    assert box is not None and box["y"] < limit, box


def test_forum_lists_and_directory_put_results_first_on_a_phone(
    page, demo_live, sign_in
):
    page.set_viewport_size(PHONE)
    sign_in(page, *credentials("member"))
    page.set_viewport_size(PHONE)

    page.goto("/forums/")
    first_row_on_first_screen(page, ".forum-table tbody tr")
    apply_in_panel(
        page, lambda panel: panel.get_by_label("Forum name or topic").fill("community")
    )
    expect(page.locator("#results-heading")).to_have_text(re.compile(r"^\d+ forums?$"))

    page.locator("main").get_by_role("link", name="Community", exact=True).click()
    page.wait_for_url("**/forums/community/**")
    first_row_on_first_screen(page, ".thread-table tbody tr")
    apply_in_panel(
        page,
        lambda panel: panel.get_by_label("Sort by").select_option(label="Most replies"),
    )
    assert "sort=replies" in page.url

    page.goto("/people/")
    first_row_on_first_screen(page, ".card-list > li")
    apply_in_panel(
        page,
        lambda panel: panel.get_by_label("Language", exact=True).select_option(
            label="Français"
        ),
    )
    expect(page.locator(".card-list > li").first).to_be_visible()
    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 700})
        assert page.evaluate(
            "document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
        )
