"""The composer in the browser: a member writes a reply with the toolbar (by
keyboard) and the live preview, pastes a link, mentions a colleague by name and
attaches a picture; the draft survives a reload; the colleague opens the thread
and thanks them."""

import io
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import AXE_RUN, AXE_SCRIPT, WCAG_TAGS
from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from tests.factories.forums import ForumFactory, ThreadFactory
from tests.factories.users import DEFAULT_PASSWORD

LINK = "https://uis.unesco.org/en/topic/education-management-information-systems"


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (20, 110, 180)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def world(transactional_db):
    from portal.demo import home_page_get_or_create

    home_page_get_or_create()
    group = WorkingGroupFactory(title="Data standards")
    forum = ForumFactory(name="Data standards", slug="data-standards", group=group)
    writer = MembershipFactory(
        group=group,
        user=UserFactory(
            username="carlos", email="carlos@example.org", display_name="Carlos Mendes"
        ),
    ).user
    colleague = MembershipFactory(
        group=group,
        user=UserFactory(
            username="amina", email="amina@example.org", display_name="Amina Diallo"
        ),
    ).user
    colleague.profile.handle = "amina-d"
    colleague.profile.save()
    thread = ThreadFactory(
        forum=forum, author=colleague, title="Which census form do you use?"
    )
    return {"thread": thread, "writer": writer, "colleague": colleague}


def axe_violations(page) -> list:
    return page.evaluate(AXE_RUN, WCAG_TAGS)


def test_reply_with_toolbar_preview_link_mention_and_picture(
    page, browser, live_server, world, sign_in
):
    thread = world["thread"]
    page.context.add_init_script(path=str(AXE_SCRIPT))
    sign_in(page, "carlos@example.org", DEFAULT_PASSWORD)
    page.goto(thread.get_absolute_url())

    reply = page.get_by_label("Your reply")
    reply.fill("We use the ")
    # The toolbar by keyboard: one tab stop, arrow keys move along it.
    toolbar = page.get_by_role("toolbar", name="Formatting")
    toolbar.get_by_role("button", name="Bold").focus()
    page.keyboard.press("ArrowRight")
    expect(toolbar.get_by_role("button", name="Italic")).to_be_focused()
    page.keyboard.press("Home")
    page.keyboard.press("Enter")  # Bold: wraps a placeholder, selected
    page.keyboard.type("UIS form")
    page.keyboard.press("End")
    page.keyboard.insert_text(" - see ")
    page.keyboard.insert_text(LINK)  # pasted
    page.keyboard.insert_text(" and ask ")
    page.keyboard.type("@Amina")

    suggestions = page.get_by_role("listbox", name="People to mention")
    expect(
        suggestions.get_by_role("option", name=re.compile("Amina Diallo"))
    ).to_be_visible()
    page.keyboard.press("Enter")
    expect(reply).to_have_value(re.compile(r"@amina-d $"))

    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("UIS form")
    expect(preview.locator(f'a[href="{LINK}"]')).to_be_visible()
    expect(preview.locator(".mention")).to_have_text("@amina-d")
    assert axe_violations(page) == []  # toolbar, preview and listbox in place

    # Leaving the page keeps the draft in this browser.
    page.reload()
    expect(page.get_by_label("Your reply")).to_have_value(re.compile(r"UIS form"))
    expect(page.get_by_text("Your unsent text was restored")).to_be_visible()

    page.get_by_label("Attach images or documents").set_input_files(
        [{"name": "census-form.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="Post reply").click()

    posted = page.locator("li.post").nth(1)
    expect(posted.locator("strong")).to_have_text("UIS form")
    expect(posted.locator(f'a[href="{LINK}"]')).to_be_visible()
    expect(posted.locator(".mention")).to_have_text("@amina-d")
    expect(
        posted.get_by_role("img", name=re.compile("census-form.png"))
    ).to_be_visible()
    # The draft was cleared when the reply was sent.
    page.goto(thread.get_absolute_url())
    expect(page.get_by_label("Your reply")).to_have_value("")

    # The colleague opens the thread, sees the picture and says thanks.
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    context.add_init_script(path=str(AXE_SCRIPT))
    colleague = context.new_page()
    sign_in(colleague, "amina@example.org", DEFAULT_PASSWORD)
    colleague.goto(thread.get_absolute_url())
    post = colleague.locator("li.post").nth(1)
    image = post.get_by_role("img", name=re.compile("census-form.png"))
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    loaded = image.evaluate(
        """img => img.complete && img.naturalWidth ? img.naturalWidth :
        new Promise(done => img.addEventListener("load", () => done(img.naturalWidth)))"""
    )
    assert loaded == 120  # the picture itself, sent to a reader of the thread
    thanks = post.get_by_role("button", name=re.compile("^Thanks"))
    expect(thanks).to_have_attribute("aria-pressed", "false")
    thanks.click()
    expect(thanks).to_have_attribute("aria-pressed", "true")
    expect(thanks).to_contain_text("1")
    colleague.reload()
    expect(
        colleague.locator("li.post")
        .nth(1)
        .get_by_role("button", name=re.compile("^Thanks"))
    ).to_have_attribute("aria-pressed", "true")
    assert axe_violations(colleague) == []  # faces, attachments, reactions

    # The colleague adds a face: a picture cropped square.
    colleague.goto("/accounts/profile/picture/")
    assert axe_violations(colleague) == []
    colleague.locator("input[name=picture]").set_input_files(
        [{"name": "me.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    expect(
        colleague.get_by_role("img", name="Preview of the cropped picture")
    ).to_be_visible()
    colleague.get_by_label("Zoom: size of the square").fill("80")
    colleague.get_by_role("button", name="Save picture").click()
    expect(
        colleague.get_by_text("Your profile picture has been saved.")
    ).to_be_visible()
    colleague.goto(thread.get_absolute_url())
    expect(
        colleague.locator("li.post").first.locator("img.avatar--picture")
    ).to_be_visible()
    context.close()
