"""A newcomer asks to join group 1, its moderator approves, and the new member
reads the group's members-only resource and registers for its members' event."""

import pytest
from playwright.sync_api import expect

import portal.demo
import working_groups.demo
from portal.demo import DEMO_USERS
from tests.factories import ResourceFactory

PRIVATE_RESOURCE = "EMIS architecture review checklist"


def demo_user(key):
    _key, email, name, password, _staff = next(u for u in DEMO_USERS if u[0] == key)
    return email, name, password


@pytest.fixture
def group_one(transactional_db):
    """The demo's users, working groups and events, plus a members-only resource."""
    context = portal.demo.DemoContext(write=lambda text: None)
    portal.demo.load(context)
    working_groups.demo.load(context)
    group = context.objects["groups"][0]
    ResourceFactory(
        parent=group,
        title=PRIVATE_RESOURCE,
        visibility="members",
        introduction="A checklist members use to review each other's architectures.",
    )
    return group


def test_newcomer_joins_group_one_reads_private_resource_and_registers(
    browser, live_server, group_one, sign_in
):
    newcomer_context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="America/New_York"
    )
    moderator_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    for context in (newcomer_context, moderator_context):
        context.set_default_timeout(10_000)
    newcomer = newcomer_context.new_page()
    moderator = moderator_context.new_page()
    group_url = group_one.url

    # The newcomer asks to join; the members-only resource is not shown yet.
    email, name, password = demo_user("visitor")
    sign_in(newcomer, email, password)
    newcomer.goto(group_url)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(group_one.title)
    expect(newcomer.get_by_text(PRIVATE_RESOURCE)).to_have_count(0)
    newcomer.get_by_role("link", name="Ask to join").click()
    newcomer.get_by_label("Why would you like to join?").fill(
        "I run the school census in my ministry and want to learn about open standards."
    )
    newcomer.get_by_role("button", name="Send my request").click()
    expect(newcomer.get_by_role("status")).to_contain_text(
        "Your request has been sent to the moderators"
    )
    expect(
        newcomer.get_by_text("Your request is waiting for the moderators")
    ).to_be_visible()

    # The moderator sees the motivation beside the profile and approves.
    mod_email, _mod_name, mod_password = demo_user("moderator")
    sign_in(moderator, mod_email, mod_password)
    moderator.goto(group_url)
    moderator.get_by_role("link", name="Moderation queue").click()
    request = moderator.locator(".join-request", has_text=name)
    expect(request.locator("blockquote")).to_contain_text(
        "want to learn about open standards"
    )
    request.get_by_label("Message (optional, sent to the applicant)").fill(
        "Welcome, Lin!"
    )
    moderator.get_by_role("button", name=f"Approve {name}").click()
    expect(moderator.get_by_role("status")).to_contain_text(f"{name} is now a member.")

    # Now a member: the private resource is there and opens.
    newcomer.goto(group_url)
    expect(newcomer.get_by_text("You are a member")).to_be_visible()
    newcomer.get_by_role("link", name=PRIVATE_RESOURCE).first.click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(PRIVATE_RESOURCE)

    # ... and the members' event, shown in the event's zone and the viewer's.
    newcomer.goto("/events/")
    newcomer.get_by_role(
        "link", name="Architecture review clinic (members)"
    ).first.click()
    expect(newcomer.get_by_text("Africa/Nairobi (EAT)")).to_be_visible()
    expect(newcomer.locator(".event-local").first).to_contain_text("America/New_York")
    newcomer.get_by_role("button", name="I'm going").click()
    expect(newcomer.get_by_role("status").first).to_contain_text("You are going")
    expect(newcomer.locator(".rsvp__status")).to_have_text("You are going.")

    newcomer_context.close()
    moderator_context.close()
