from playwright.sync_api import expect

from portal.demo import DEMO_USERS


def demo_user(key):
    return next(user for user in DEMO_USERS if user[0] == key)


def test_visitor_follows_navigation_and_member_signs_in(page, demo_live, sign_in):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "EMIS Community of Practice"
    )
    expect(
        page.get_by_role(
            "link", name="Technologies and architectures for future EMIS"
        ).first
    ).to_be_visible()

    main_nav = page.get_by_role("navigation", name="Main")
    main_nav.get_by_role("link", name="Working groups").click()
    expect(page).to_have_url(page.url.split("/working-groups/")[0] + "/working-groups/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Working groups")
    expect(main_nav.get_by_role("link", name="Working groups")).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_role("link", name="Peer learning and capacity development").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Peer learning and capacity development"
    )

    _key, email, name, password, _staff = demo_user("member")
    sign_in(page, email, password)

    expect(page.get_by_role("navigation", name="Account")).to_contain_text(name)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_skip_link_moves_focus_to_main_content(page, demo_live):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    skip.press("Enter")
    expect(page).to_have_url(page.url.split("#")[0] + "#main")
