"""From a question to a published lesson learned, in the browser: a member starts a
discussion, another member replies quoting it, a moderator marks the answer and
turns the discussion into a lesson learned, which after approval shows on
/lessons-learned/."""

import re

from playwright.sync_api import expect

from portal.demo import DEMO_USERS
from tests.factories import MembershipFactory, UserFactory
from tests.factories.users import DEFAULT_PASSWORD
from working_groups.models import WorkingGroupPage

GROUP = "Technologies and architectures for future EMIS"
TITLE = "Moving the school census to tablets"
LESSON_TITLE = "Pilot tablets in one district before going national"


def demo_login(key):
    _key, email, _name, password, _staff = next(u for u in DEMO_USERS if u[0] == key)
    return email, password


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    return context.new_page()


def test_discussion_becomes_a_published_lesson_learned(
    page, browser, live_server, demo_live, sign_in
):
    group = WorkingGroupPage.objects.get(title=GROUP)
    peer = MembershipFactory(
        group=group, user=UserFactory(username="peer", email="peer@example.org")
    ).user

    # A member starts a discussion in the group's forum.
    sign_in(page, *demo_login("member"))
    page.goto("/forums/")
    page.get_by_role("link", name=GROUP).first.click()
    page.get_by_role("link", name="Start a discussion").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Your message").fill(
        "We plan to collect the census on tablets next year. What went wrong "
        "for those who tried?"
    )
    page.get_by_role("button", name="Start the discussion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    thread_url = page.url

    # Another member replies, quoting the question.
    peer_page = new_page(browser, live_server)
    sign_in(peer_page, peer.email, DEFAULT_PASSWORD)
    peer_page.goto(thread_url)
    peer_page.get_by_role("link", name="Quote post 1").click()
    reply_box = peer_page.get_by_label("Your reply")
    expect(reply_box).to_have_value(re.compile(r"^> \*\*Carlos Mendes\*\* \[wrote\]"))
    reply_box.fill(
        reply_box.input_value()
        + "Pilot in one district first: connectivity and charging were our real "
        "problems, not the software."
    )
    peer_page.get_by_role("button", name="Post reply").click()
    reply = peer_page.locator("li.post").nth(1)
    expect(reply.locator("blockquote")).to_contain_text("We plan to collect")
    expect(reply).to_contain_text("Pilot in one district first")

    # A moderator marks the answer and turns the discussion into a lesson.
    moderator_page = new_page(browser, live_server)
    sign_in(moderator_page, *demo_login("moderator"))
    moderator_page.goto(thread_url)
    moderator_page.locator("li.post").nth(1).get_by_role(
        "button", name="Mark as answer"
    ).click()
    expect(
        moderator_page.get_by_role("heading", name="Accepted answer")
    ).to_be_visible()
    moderator_page.get_by_role(
        "link", name="Turn into a lesson learned", exact=True
    ).click()
    expect(moderator_page.get_by_label("Challenge")).to_have_value(
        re.compile("collect the census on tablets")
    )
    expect(moderator_page.get_by_label("What was done")).to_have_value(
        re.compile("Pilot in one district first")
    )
    moderator_page.get_by_label("Title of the lesson").fill(LESSON_TITLE)
    moderator_page.get_by_label("Who can read it").select_option("public")
    moderator_page.get_by_role("textbox", name="The lesson", exact=True).fill(
        "Test the conditions in schools (power, network) before the technology."
    )
    moderator_page.get_by_role("button", name="Send for review").click()
    expect(moderator_page.get_by_role("status")).to_contain_text(
        "is waiting for the group's moderators"
    )
    expect(moderator_page.locator(".knowledge-link")).to_contain_text(LESSON_TITLE)

    # The group's moderator approves it in the knowledge moderation queue.
    moderator_page.goto("/knowledge/moderation/")
    item = moderator_page.locator("li.moderation-item").filter(
        has=moderator_page.get_by_role("heading", name=LESSON_TITLE)
    )
    item.get_by_role("button", name="Approve and publish").click()

    # Everyone now finds it among the lessons learned, linked to the discussion.
    page.context.clear_cookies()
    page.goto("/lessons-learned/")
    page.get_by_role("link", name=LESSON_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LESSON_TITLE)
    moderator_page.goto(thread_url)
    expect(
        moderator_page.locator(".knowledge-link").get_by_role("link", name=LESSON_TITLE)
    ).to_be_visible()
