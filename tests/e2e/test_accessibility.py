"""Every page, for a visitor, a group member and a moderator, checked by axe-core.

One demo load and one pass over the pages: each page is opened once per role,
audited at a desktop width and at 390 px, and measured for sideways scrolling at
390 px and 320 px. The tests below read that pass's findings. The three roles
walk their pages side by side (one Chromium each, in threads of their own), so
that the server renders one role's page while Chromium audits another's.
"""

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from portal.demo import DEMO_USERS
from tests.db_snapshot import load_demo

AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 700}
ROLES = ["visitor", "member", "moderator"]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
# Visitor pages photographed at 390 px (kept as test artefacts under var/).
PHOTOGRAPHED = {
    "home": "home",
    "library": "library",
    "resource": "resource",
    "search results": "search",
    "thread": "thread",
    "upcoming event": "event",
    "community forum": "forum",
}
# Pages whose first matching link opens another page type worth auditing.
FOLLOW_FIRST_LINK = {
    "countries": "main a[href*='/countries/'][href$='/']:not([href$='/countries/'])",
    "people": "main a[href*='/people/experts/']",
}
FIRST_RESULT = {
    "library": ".resource-card",
    "search results": ".search-hit",
    "forums": ".forum-table tbody tr",
    "community forum": ".thread-table tbody tr",
    "people": ".card-list > li",
}

AXE_RUN = """async (tags) => {
  // Only violations are read: axe then skips building the details of passes.
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    rule: v.id,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " :: " +
      (n.failureSummary || "").split("\\n").slice(1, 2).join("").trim()),
  }));
}"""
SIDEWAYS = """() => {
  const root = document.scrollingElement;
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth};
}"""


@dataclass
class Audit:
    violations: dict = field(default_factory=dict)  # role -> [message]
    overflow: list = field(default_factory=list)
    pages: dict = field(default_factory=dict)  # role -> [label]
    seen: set = field(default_factory=set)
    first_result_top: dict = field(default_factory=dict)  # label -> px at 390
    arabic_missing: str = ""
    # role -> {label: px at 390}; merged into first_result_top in the order
    # of a walk of one role after the other (the first role to meet a page).
    first_result_by_role: dict = field(default_factory=dict)


def demo_credentials(key):
    _key, email, _name, password, _staff = next(u for u in DEMO_USERS if u[0] == key)
    return email, password


def site_pages(role):
    """(label, url) for every page type of the URL map, from the demo content."""
    from forums.models import Forum, Thread
    from knowledge.models import ResourcePage, ResourceTag
    from working_groups.models import EventPage, WorkingGroupPage

    groups = list(WorkingGroupPage.objects.live().order_by("path"))
    group1 = groups[0]
    community = Forum.objects.get(group__isnull=True)
    group_forum = Forum.objects.filter(group__isnull=False).order_by("pk").first()
    public_thread = Thread.objects.filter(forum=community, is_hidden=False).first()
    group_thread = Thread.objects.filter(forum=group_forum, is_hidden=False).first()
    resources = ResourcePage.objects.live().order_by("path")
    public_resource = resources.filter(visibility="public").first()
    lesson = resources.filter(format="lesson-learned").first()
    private_resource = resources.filter(visibility="members").first()
    other_language = resources.exclude(language="en").first()
    events = EventPage.objects.live().order_by("start")
    from django.utils import timezone

    upcoming = events.filter(start__gte=timezone.now()).first()
    past = events.filter(start__lt=timezone.now()).last()
    tag = ResourceTag.objects.select_related("tag").first().tag

    pages = [
        ("home", "/"),
        ("groups", "/working-groups/"),
        ("group 1", group1.url),
        ("group 2", groups[1].url),
        ("group members", f"{group1.url}members/"),
        ("library", "/knowledge/"),
        ("library filtered", "/knowledge/?format=report&level=national"),
        ("library empty", "/knowledge/?q=zzqxwv"),
        ("library bad year", "/knowledge/?year_from=abc"),
        ("lessons learned", "/lessons-learned/"),
        ("resource", public_resource.url),
        ("lesson", lesson.url),
        ("members-only resource", private_resource.url),
        ("resource in another language", other_language.url),
        ("tags", "/knowledge/tags/"),
        ("tag", f"/knowledge/tags/{tag.slug}/"),
        ("events", "/events/"),
        ("past events", "/events/?past=1"),
        ("events filtered", "/events/?type=webinar"),
        ("events empty", "/events/?type=symposium&tag=zzqxwv"),
        ("upcoming event", upcoming.url),
        ("past event", past.url),
        ("forums", "/forums/"),
        ("forums filtered", "/forums/?q=community"),
        ("forums empty", "/forums/?q=zzqxwv"),
        ("community forum", f"/forums/{community.slug}/"),
        ("community forum sorted", f"/forums/{community.slug}/?sort=replies"),
        ("group forum", f"/forums/{group_forum.slug}/"),
        ("thread", f"/forums/{community.slug}/{public_thread.pk}/"),
        ("group thread", f"/forums/{group_forum.slug}/{group_thread.pk}/"),
        ("search", "/search/"),
        ("search results", "/search/?q=data"),
        ("search faceted", "/search/?q=data&kind=resource"),
        ("search no results", "/search/?q=zzqxwv"),
        ("not found", "/no-such-page/"),
        ("countries", "/countries/"),
        ("region", "/regions/africa/"),
        ("submit a resource", "/knowledge/submit/"),
    ]
    if role == "visitor":
        pages += [
            ("sign in", "/accounts/login/"),
            ("sign up", "/accounts/signup/"),
            ("password reset", "/accounts/password/reset/"),
        ]
    else:
        pages += [
            ("profile", "/accounts/profile/"),
            ("profile picture", "/accounts/profile/picture/"),
            ("my submissions", "/knowledge/my-submissions/"),
            ("new thread", f"/forums/{community.slug}/new/"),
            ("reply", f"/forums/{community.slug}/{public_thread.pk}/reply/"),
            ("forum settings", "/forums/settings/"),
            ("saved searches", "/search/saved/"),
            ("people", "/people/"),
            ("people filtered", "/people/?expertise=school-census&language=fr"),
            ("people empty", "/people/?q=zzqxwv"),
            ("my directory entry", "/people/me/"),
            ("mentoring", "/people/mentoring/"),
            ("notifications", "/notifications/"),
            ("notification settings", "/notifications/settings/"),
            ("join group 2", f"{groups[1].url.rstrip('/')}/join/".replace("//", "/")),
        ]
    if role == "moderator":
        pages += [
            ("group moderation", f"/working-groups/{group1.slug}/moderation/"),
            ("group audit log", f"/working-groups/{group1.slug}/moderation/log/"),
            ("resource moderation", "/knowledge/moderation/"),
            ("forum moderation", f"/forums/{group_forum.slug}/moderation/"),
            ("forums moderation overview", "/forums/moderation/"),
            ("moderators' inbox", "/moderation/"),
        ]
        # A group's events, run from the group space (issue 15).
        group_events = events.filter(group=group1)
        coming = group_events.filter(start__gte=timezone.now()).first()
        held = group_events.filter(start__lt=timezone.now()).last()
        base = f"/working-groups/{group1.slug}/events/"
        pages += [("group events", base), ("new event", f"{base}new/")]
        if coming is not None:
            pages += [
                ("edit event", f"{base}{coming.pk}/edit/"),
                ("cancel event", f"{base}{coming.pk}/cancel/"),
            ]
        if held is not None:
            pages += [("event materials", f"{base}{held.pk}/materials/")]
    return pages


def audit_page(page, role, label, audit):
    # Pages that redirect (to sign in, say) are audited once per role.
    final = (role, page.url)
    if final in audit.seen:
        audit.pages.setdefault(role, []).append(label)
        return
    audit.seen.add(final)
    where = f"{role} · {label} ({page.url.split('//', 1)[-1].split('/', 1)[-1]})"
    # Each width is set once per page (a resize is a round trip to Chromium
    # and a new layout): axe at desktop, then everything measured at 390 px,
    # then 320 px.
    for viewport_name, viewport in (("desktop", DESKTOP), ("390px", PHONE)):
        resize(page, viewport)
        for violation in page.evaluate(AXE_RUN, WCAG_TAGS):
            audit.violations.setdefault(role, []).append(
                f"{where} [{viewport_name}]: {violation['rule']} -> "
                + " | ".join(violation["nodes"])
            )
    sideways(page, PHONE, where, audit)
    if role == "visitor" and label in PHOTOGRAPHED:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"390px-{PHOTOGRAPHED[label]}.png"))
    measured = audit.first_result_by_role.setdefault(role, {})
    if label in FIRST_RESULT and label not in measured:
        box = page.locator(FIRST_RESULT[label]).first.bounding_box()
        measured[label] = box["y"] if box else None
    resize(page, NARROW)
    sideways(page, NARROW, where, audit)
    audit.pages.setdefault(role, []).append(label)


def resize(page, viewport):
    """Set the viewport, unless it already has that size."""
    if page.viewport_size != viewport:
        page.set_viewport_size(viewport)


def sideways(page, viewport, where, audit):
    """Note a page wider than the viewport (already at ``viewport``)."""
    size = page.evaluate(SIDEWAYS)
    if size["scrollWidth"] > size["clientWidth"]:
        audit.overflow.append(
            f"{where} at {viewport['width']}px: scrollWidth "
            f"{size['scrollWidth']} > clientWidth {size['clientWidth']}"
        )


ARABIC_PAGES = {
    "home",
    "library",
    "resource",
    "search results",
    "thread",
    "upcoming event",
    "events",
    "forums",
    "community forum",
    "countries",
}
# Signed-in pages also checked right to left (as the member).
ARABIC_MEMBER_PAGES = {"people", "people filtered", "forums", "community forum"}


def audit_arabic(page, pages, audit, labels=ARABIC_PAGES, key="arabic"):
    """The same page types under /ar/, right to left, when Arabic is served."""
    response = page.goto("/ar/")
    if response is None or response.status != 200:
        audit.arabic_missing = "no /ar/ URL prefix on this branch yet"
        return
    if page.evaluate("document.documentElement.dir") != "rtl":
        audit.arabic_missing = "/ar/ is served but not right to left"
        return
    for label, url in pages:
        if label in labels:
            resize(page, DESKTOP)
            page.goto("/ar" + url)
            audit_page(page, key, label, audit)


def sign_in(page, role):
    email, password = demo_credentials(role)
    page.set_viewport_size(DESKTOP)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def walk_role(browser, base_url, role, pages, findings):
    """One role's pass over its pages, in a browser context of its own."""
    context = browser.new_context(base_url=base_url, locale="en-GB")
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE_SCRIPT))
    page = context.new_page()
    if role == "visitor":
        # Error state: a sign-in with a wrong password.
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill("nobody@example.org")
        page.get_by_label("Password").fill("wrong-password")
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()
        audit_page(page, role, "sign in with a wrong password", findings)
    else:
        sign_in(page, role)
        # The page after signing in carries a flash message.
        audit_page(page, role, "flash message after sign in", findings)
    for label, url in pages:
        resize(page, DESKTOP)
        response = page.goto(url)
        if response.status >= 500:
            findings.violations.setdefault(role, []).append(
                f"{role} · {label} ({url}): HTTP {response.status}"
            )
        audit_page(page, role, label, findings)
        follow = FOLLOW_FIRST_LINK.get(label)
        if follow and page.locator(follow).count():
            href = page.locator(follow).first.get_attribute("href")
            resize(page, DESKTOP)
            page.goto(href)
            audit_page(page, role, f"first link of {label}", findings)
    if role == "visitor":
        audit_arabic(page, pages, findings)
    if role == "member":
        audit_arabic(
            page,
            pages,
            findings,
            labels=ARABIC_MEMBER_PAGES,
            key="arabic member",
        )
    context.close()


def walk_in_own_browser(base_url, role, pages, findings, errors):
    """A thread's walk: Playwright's sync API wants one instance per thread."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                walk_role(browser, base_url, role, pages, findings)
            finally:
                browser.close()
    except Exception as error:  # noqa: BLE001 (re-raised by the fixture)
        errors[role] = error


# The order in which a one-role-after-the-other walk meets each page.
WALK_ORDER = ["visitor", "arabic", "member", "arabic member", "moderator"]


@pytest.fixture(scope="module")
def audit(browser, live_server, django_db_setup, django_db_blocker):
    if not AXE_SCRIPT.exists():
        pytest.skip("axe-core is not installed: run `make test-setup` (npm ci)")
    findings = Audit()
    with django_db_blocker.unblock():
        # Start from the flushed database every other browser test starts
        # from: the audit runs first, when the rows the migrations made are
        # still there, and would otherwise build a demo of its own.
        call_command("flush", "--no-input", stdout=open(os.devnull, "w"))
        load_demo()  # once per session, copied back after (tests/db_snapshot.py)
        try:
            pages = {role: site_pages(role) for role in ROLES}
            errors = {}
            threads = [
                threading.Thread(
                    target=walk_in_own_browser,
                    args=(live_server.url, role, pages[role], findings, errors),
                    name=f"axe-{role}",
                )
                for role in ROLES
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            for role in ROLES:
                if role in errors:
                    raise errors[role]
        finally:
            call_command("flush", "--no-input", stdout=open(os.devnull, "w"))
    for role in WALK_ORDER:
        for label, top in findings.first_result_by_role.get(role, {}).items():
            findings.first_result_top.setdefault(label, top)
    return findings


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_at_desktop_and_phone_width(audit, role):
    assert audit.pages.get(role), f"no page was audited for {role}"
    violations = audit.violations.get(role, [])
    assert not violations, f"{len(violations)} axe violations:\n" + "\n".join(
        violations
    )


def test_no_page_scrolls_sideways_at_320_and_390_px(audit):
    assert not audit.overflow, "\n".join(audit.overflow)


def test_first_result_of_library_and_search_is_on_the_first_phone_screen(audit):
    assert set(audit.first_result_top) == set(FIRST_RESULT)
    for label, top in audit.first_result_top.items():
        assert top is not None, f"{label}: no result shown"
        assert top < PHONE["height"] - 100, (
            f"{label}: the first result starts {top:.0f} px down at 390 px"
        )
    for name in PHOTOGRAPHED.values():
        assert (SCREENSHOTS / f"390px-{name}.png").stat().st_size > 0


def test_arabic_right_to_left_pages_pass_axe_and_reflow(audit):
    if audit.arabic_missing:
        pytest.skip(f"{audit.arabic_missing} (the languages branch adds Arabic)")
    assert len(audit.pages.get("arabic", [])) == len(ARABIC_PAGES)
    assert len(audit.pages.get("arabic member", [])) == len(ARABIC_MEMBER_PAGES)
    violations = audit.violations.get("arabic", []) + audit.violations.get(
        "arabic member", []
    )
    assert not violations, f"{len(violations)} axe violations:\n" + "\n".join(
        violations
    )
    assert not [line for line in audit.overflow if line.startswith("arabic")]
