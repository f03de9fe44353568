"""Journeys done with the keyboard alone: Tab, typing, Space, Enter and Escape.

No clicks: each step moves focus with the keyboard and checks where it landed.
"""

import re

from django.utils import timezone
from playwright.sync_api import expect

from portal.demo import DEMO_USERS


def tab_to(page, locator, *, limit=80, backwards=False):
    """Press Tab (or Shift+Tab) until ``locator`` has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    handle = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("(el) => el === document.activeElement", handle):
            return
    raise AssertionError(f"{locator} never received focus with {key}")


def credentials(key):
    _key, email, name, password, _staff = next(u for u in DEMO_USERS if u[0] == key)
    return email, name, password


def test_search_with_autocomplete_then_facet_then_hit_by_keyboard(page, demo_live):
    page.goto("/")
    box = page.get_by_role("combobox", name="Search the portal")
    tab_to(page, box)
    page.keyboard.type("data gov", delay=30)

    listbox = page.get_by_role("listbox", name="Search suggestions")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options.first).to_have_accessible_name(re.compile(r"^.+, \S.*$"))
    expect(
        listbox.get_by_role("option", name="data governance, Tag", exact=True)
    ).to_have_count(1)
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute(
        "aria-activedescendant", options.first.get_attribute("id")
    )

    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("data gov")
    expect(box).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("End")
    page.keyboard.type("ernance")
    expect(listbox).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=data\+governance$"))
    heading = page.get_by_role("heading", name=re.compile("results? for"))
    expect(heading).to_be_visible()

    filters = page.get_by_role("complementary")
    resource_box = filters.get_by_role("group", name="Type").get_by_label(
        re.compile("^Resource")
    )
    tab_to(page, resource_box)
    page.keyboard.press("Space")
    # The page does not move under the user's feet: nothing reloads yet.
    expect(resource_box).to_be_checked()
    expect(resource_box).to_be_focused()
    assert "kind=" not in page.url
    tab_to(page, filters.get_by_role("button", name="Apply filters"))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"kind=resource"))
    results = page.locator("#results-heading")
    expect(results).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="for")).to_contain_text(
        "data governance"
    )
    expect(page.get_by_role("heading", name="Filters (1)")).to_be_visible()

    first_hit = page.locator(".search-hit").first.get_by_role("link").first
    title = first_hit.inner_text()
    tab_to(page, first_hit)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert "/knowledge/" in page.url


def test_member_signs_in_after_a_wrong_password_then_replies_and_rsvps_by_keyboard(
    page, demo_live
):
    from forums.models import Forum, Thread
    from working_groups.models import EventPage, EventRegistration

    email, name, password = credentials("member")
    page.goto("/accounts/login/")
    email_box = page.get_by_label("Email")
    tab_to(page, email_box)
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("not-my-password")
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("not correct")
    expect(page).to_have_title(re.compile(r"^Error: Sign In"))

    password_box = page.get_by_label("Password")
    tab_to(page, password_box)
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Account")).to_contain_text(name)
    expect(page).not_to_have_title(re.compile("Error"))

    community = Forum.objects.get(group__isnull=True)
    thread = (
        Thread.objects.filter(forum=community, is_hidden=False, is_locked=False)
        .order_by("pk")
        .first()
    )
    page.goto(f"/forums/{community.slug}/{thread.pk}/")
    reply_box = page.get_by_role("region", name="Reply").get_by_role("textbox")
    tab_to(page, reply_box)
    page.keyboard.type("Typed with the keyboard alone: this works for us too.")
    # Past the attachments field to the button (the composer, issue 15).
    tab_to(page, page.get_by_role("button", name="Post reply"))
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("Typed with the keyboard alone: this works for us too.")
    ).to_be_visible()

    from django.contrib.auth import get_user_model

    from working_groups.permissions import can_rsvp_event

    member = get_user_model().objects.get(email=email)
    event = next(
        event
        for event in EventPage.objects.live()
        .filter(start__gte=timezone.now())
        .order_by("start")
        if can_rsvp_event(member, event)
        and not EventRegistration.objects.filter(event=event, user=member).exists()
    )
    page.goto(event.url)
    going = page.get_by_role("button", name="I'm going")
    tab_to(page, going)
    page.keyboard.press("Enter")
    registration = page.get_by_role("region", name="Registration")
    expect(registration.get_by_role("status")).to_have_text("You are going.")
    expect(
        registration.get_by_role("button", name="I can't go any more")
    ).to_be_visible()


def test_phone_header_menu_is_a_disclosure_and_search_is_at_hand(
    page, transactional_db
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/login/")
    search = page.get_by_role("combobox", name="Search the portal")
    expect(search).to_be_in_viewport()
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav).to_be_hidden()
    header = page.get_by_role("banner")
    assert header.bounding_box()["height"] < 140

    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    tab_to(page, menu)
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(main_nav).to_be_visible()
    expect(page.get_by_role("navigation", name="Account")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(menu).to_be_focused()
    expect(main_nav).to_be_hidden()

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(menu).to_be_hidden()
    expect(main_nav).to_be_visible()
