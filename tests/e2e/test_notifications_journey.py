"""A member sees the notification count, opens the notification and lands on
the reply; a moderator handles a flag and a join request from the one inbox."""

import pytest
from playwright.sync_api import expect

import portal.demo
import working_groups.demo
from forums.models import Flag, Post
from forums.services import forum_for_group_ensure, post_create
from portal.demo import DEMO_USERS
from tests.factories.forums import PostFactory, ThreadFactory
from working_groups.models import Membership


def demo_user(key):
    _key, email, name, password, _staff = next(u for u in DEMO_USERS if u[0] == key)
    return email, name, password


@pytest.fixture
def community(transactional_db):
    context = portal.demo.DemoContext(write=lambda text: None)
    portal.demo.load(context)
    working_groups.demo.load(context)
    group = context.objects["groups"][0]
    users = context.users
    forum = forum_for_group_ensure(group=group)
    thread = ThreadFactory(
        forum=forum, title="Which census data standard?", author=users["member"]
    )
    PostFactory(thread=thread, author=users["member"], body="Which one do you use?")
    spam = PostFactory(thread=thread, author=users["moderator"], body="Cheap pills")
    Flag.objects.create(post=spam, reporter=users["member"], reason=Flag.Reason.SPAM)
    handle = users["member"].profile.handle
    reply = post_create(
        author=users["moderator"],
        thread=thread,
        body=f"@{handle} we use SDMX for the school census.",
    )
    Membership.objects.get_or_create(
        user=users["visitor"],
        group=group,
        defaults={"status": Membership.Status.PENDING, "motivation": "Census work"},
    )
    return {"group": group, "thread": thread, "reply": reply, "spam": spam}


def test_member_opens_a_notification_and_moderator_works_the_inbox(
    browser, live_server, community, sign_in
):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    member = context.new_page()

    email, _name, password = demo_user("member")
    sign_in(member, email, password)
    member.goto("/")
    link = member.locator("[data-notifications-link]")
    expect(link).to_contain_text("unread")
    link.click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Notifications")
    member.get_by_role("link", name="Amina Diallo mentioned you").click()
    expect(member.get_by_text("we use SDMX for the school census")).to_be_visible()
    member.goto("/notifications/")
    expect(member.locator(".notification--unread")).to_have_count(0)
    context.close()

    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    moderator = context.new_page()
    mod_email, _mod_name, mod_password = demo_user("moderator")
    sign_in(moderator, mod_email, mod_password)
    moderator.goto("/")
    inbox_link = moderator.locator("[data-inbox-link]")
    expect(inbox_link).to_contain_text("waiting")
    inbox_link.click()
    expect(moderator.get_by_role("heading", level=1)).to_have_text("Moderators' inbox")

    flag = moderator.locator("[data-flag]", has_text="Which census data standard?")
    flag.get_by_role("button", name="Hide the post").click()
    expect(moderator.get_by_role("status")).to_contain_text("The post is hidden.")

    _email, name, _password = demo_user("visitor")
    request = moderator.locator(".join-request", has_text=name)
    expect(request.locator("blockquote")).to_contain_text("Census work")
    request.get_by_role("button", name=f"Approve {name}").click()
    expect(moderator.get_by_role("status")).to_contain_text(f"{name} is now a member.")
    context.close()

    assert Post.objects.get(pk=community["spam"].pk).is_hidden
    assert Membership.objects.get(
        user__email=demo_user("visitor")[0], group=community["group"]
    ).status == (Membership.Status.ACTIVE)
