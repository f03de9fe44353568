"""A member shares a resource with a PDF, a moderator approves it on the site,
and a visitor finds it through the library's filters."""

import re

from playwright.sync_api import expect

from portal.demo import DEMO_USERS
from tests.factories.knowledge import PDF_BYTES

TITLE = "Teacher deployment dashboard: a how-to"


def credentials(key):
    _key, email, _name, password, _staff = next(u for u in DEMO_USERS if u[0] == key)
    return email, password


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_share_moderate_and_find_a_resource(page, demo_live, sign_in):
    sign_in(page, *credentials("member"))
    page.goto("/knowledge/submit/")
    page.get_by_role("textbox", name="Title", exact=True).fill(TITLE)
    page.get_by_role("textbox", name="Summary").fill(
        "How one ministry built a dashboard to deploy teachers where they are needed."
    )
    page.get_by_role("combobox", name="Format", exact=True).select_option("tool")
    page.get_by_role("combobox", name="Level").select_option("national")
    page.get_by_label("Tags").fill("teacher deployment, dashboards")
    page.get_by_label("Files").set_input_files(
        files=[
            {
                "name": "dashboard.pdf",
                "mimeType": "application/pdf",
                "buffer": PDF_BYTES,
            }
        ]
    )
    page.get_by_role("button", name="Send to the moderators").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My submissions")
    expect(page.get_by_role("status")).to_contain_text("was sent to the moderators")
    expect(page.get_by_role("row", name=re.compile(TITLE))).to_contain_text(
        "Awaiting moderation"
    )
    sign_out(page)

    sign_in(page, *credentials("moderator"))
    page.goto("/knowledge/moderation/")
    item = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=TITLE)
    )
    expect(item.get_by_role("link", name="dashboard")).to_be_visible()
    item.get_by_label("Comment to the submitter").fill("Thank you!")
    item.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_role("status")).to_contain_text("is published")
    sign_out(page)

    page.goto("/knowledge/")
    filters = page.get_by_role("complementary")
    filters.get_by_label(re.compile(r"^Tool \(software, template\)")).check()
    filters.get_by_label(re.compile(r"^National")).check()
    page.get_by_label("Search the library").fill("deployment")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"format=tool"))
    expect(page).to_have_url(re.compile(r"level=national"))

    expect(page.get_by_role("heading", level=2, name="1 resource")).to_be_visible()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(
        page.get_by_role("link", name=re.compile("Download “dashboard"))
    ).to_be_visible()
    provenance = page.get_by_role("region", name="Provenance")
    expect(provenance).to_contain_text("Shared byCarlos Mendes")
    expect(provenance).to_contain_text("Approved byAmina Diallo")
