"""A newcomer finds a French-speaking expert in school census, asks for
mentoring, the expert accepts, they exchange two messages and close it, and the
outcome becomes a lesson learned that a moderator approves."""

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from portal.demo import DEMO_USERS

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
TOPIC = "Moving our school census to tablets"
LESSON = "Pilot tablets in one district before going national"


def credentials(key):
    _key, email, _name, password, _staff = next(u for u in DEMO_USERS if u[0] == key)
    return email, password


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"people-{name}.png"), full_page=True)


def no_axe_violations(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def open_exchange(page):
    # Mentoring news arrive with the other notifications; the exchanges are
    # listed on the mentoring page.
    page.goto("/people/mentoring/")
    page.get_by_role("link", name=TOPIC).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TOPIC)


def test_from_expert_search_to_published_lesson(page, demo_live, sign_in):
    sign_in(page, *credentials("visitor"))  # Lin Wei, a newcomer in no group
    page.goto("/people/")
    filters = page.get_by_role("complementary")
    filters.get_by_label("Expertise", exact=True).select_option(label="School census")
    filters.get_by_label("Language", exact=True).select_option(label="Français")
    filters.get_by_role("button", name="Find experts").click()
    expect(page.get_by_role("heading", level=2, name="2 experts")).to_be_visible()
    shot(page, "1-directory")
    no_axe_violations(page)
    page.get_by_role("link", name="Carlos Mendes").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Carlos Mendes")
    no_axe_violations(page)
    page.get_by_label("A one-off exchange").check()
    page.get_by_label("Topic").fill(TOPIC)
    page.get_by_label("Country it is about").select_option(label="Senegal")
    page.get_by_label("What you have tried so far").fill(
        "Paper forms scanned at district level; too slow and error-prone."
    )
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("status")).to_contain_text("sent to Carlos Mendes")
    expect(page.locator(".status")).to_have_text("Waiting for an answer")
    sign_out(page)

    sign_in(page, *credentials("member"))  # Carlos Mendes, the expert
    expect(
        page.get_by_role("link", name=re.compile(r"^Notifications \d+ unread"))
    ).to_be_visible()
    open_exchange(page)
    page.get_by_label("Accept", exact=True).check()
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_label("Message").fill("Happy to help. Which regions pilot first?")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Your message was sent")
    sign_out(page)

    sign_in(page, *credentials("visitor"))
    open_exchange(page)
    expect(page.get_by_text("Which regions pilot first?")).to_be_visible()
    page.get_by_label("Message").fill("Thiès and Kaolack, from January.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".mentoring-message")).to_have_count(2)
    page.get_by_label("Outcome").fill(
        "Pilot in two regions with weekly sync; keep paper as a fallback."
    )
    page.get_by_role("button", name="Close with this outcome").click()
    expect(page.locator(".status")).to_have_text("Closed")
    shot(page, "2-closed")
    no_axe_violations(page)
    sign_out(page)

    sign_in(page, *credentials("member"))
    open_exchange(page)
    page.get_by_role("link", name="Turn the outcome into a lesson learned").click()
    no_axe_violations(page)
    page.get_by_label("Title").fill(LESSON)
    page.get_by_label("The lesson").fill("A one-district pilot shows what breaks.")
    page.get_by_role("button", name="Ask for consent").click()
    expect(page.get_by_role("status")).to_contain_text("sent to Lin Wei for consent")
    sign_out(page)

    sign_in(page, *credentials("visitor"))
    open_exchange(page)
    page.get_by_label("Yes, share it with the community").check()
    page.get_by_label("Name me as an author").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("sent to the moderators")
    sign_out(page)

    sign_in(page, *credentials("moderator"))  # Amina Diallo, convener of group 1
    page.goto("/knowledge/moderation/")
    item = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=LESSON)
    )
    item.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_role("status")).to_contain_text("is published")
    sign_out(page)

    page.goto("/countries/sn/")
    no_axe_violations(page)
    shot(page, "4-country")
    lessons = page.get_by_role("region", name=re.compile("Lessons learned"))
    lessons.get_by_role("link", name=LESSON).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LESSON)
    expect(page.get_by_text("Carlos Mendes").first).to_be_visible()
    shot(page, "3-lesson")
