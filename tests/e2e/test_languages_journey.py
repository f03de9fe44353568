"""The portal in Arabic and in French, as a reader of each would use it."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from forums.models import Thread
from knowledge.models import ResourcePage
from working_groups.models import EventPage, Membership, WorkingGroupPage
from working_groups.services import membership_approve

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDTHS = (390, 1280)


def in_french(msgid: str) -> str:
    with translation.override("fr"):
        return gettext(msgid)


def overflow(page) -> int:
    """How far the page scrolls sideways (0 when it fits the window)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_arabic_reader_gets_a_mirrored_portal_that_fits(
    browser, live_server, demo_live
):
    context = browser.new_context(base_url=live_server.url, locale="ar")
    context.set_default_timeout(15_000)
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # First visit: the browser's language wins and the URL carries it.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/ar/$"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    with translation.override("ar"):
        resource = ResourcePage.objects.live().public().filter(language="fr").first()
        thread = Thread.objects.filter(forum__group__isnull=True).first()
        pages = {
            "home": "/ar/",
            "library": "/ar/knowledge/",
            "resource": resource.url,
            "search": "/ar/search/?q=EMIS",
            "events": "/ar/events/",
            "event": EventPage.objects.live().first().url,
            "group": WorkingGroupPage.objects.live().first().url,
            "thread": thread.get_absolute_url(),
            "sign-in": "/ar/accounts/login/",
        }
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in pages.items():
            page.goto(url)
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            page.screenshot(path=SCREENSHOTS / f"ar-{name}-{width}.png", full_page=True)
            assert overflow(page) <= 1, f"{name} scrolls sideways at {width}px"

    # A French resource on an Arabic page keeps its own language and direction.
    page.goto(pages["resource"])
    title = page.locator("h1#resource-title")
    expect(title).to_have_attribute("lang", "fr")
    expect(title).to_have_attribute("dir", "auto")
    # The main navigation starts on the right.
    nav = page.locator(".main-nav a").first.bounding_box()
    assert nav["x"] > page.viewport_size["width"] / 2

    # The reader switches to English; the choice sticks on unprefixed URLs.
    page.locator("#language-select").select_option("en")
    page.locator(".language-form button").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.goto("/knowledge/")
    expect(page).to_have_url(re.compile(r"/knowledge/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    context.close()


def test_french_member_signs_up_joins_and_finds_a_french_lesson(
    browser, live_server, demo_live
):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(15_000)
    page = context.new_page()

    # Sign up from the French home page.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/fr/$"))
    page.get_by_role("link", name=in_french("Join"), exact=True).click()
    main = page.locator("main")
    main.locator("input[name=email]").fill("aminata@ministere.example.org")
    main.locator("input[name=password1]").fill("une-phrase-de-passe-2026")
    main.locator("input[name=password2]").fill("une-phrase-de-passe-2026")
    main.locator("input[name=display_name]").fill("Aminata Sow")
    main.locator("form button[type=submit]").last.click()

    confirmation = mail.outbox[-1]
    assert confirmation.to == ["aminata@ministere.example.org"]
    assert in_french("Please Confirm Your Email Address") in confirmation.subject
    link = re.search(r"https?://\S+/confirm-email/\S+", confirmation.body).group(0)
    page.goto(link.replace("http://testserver", live_server.url))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    # Ask to join group 1, in French.
    group = WorkingGroupPage.objects.live().order_by("path").first()
    with translation.override("fr"):
        group_url = group.url
    page.goto(group_url)
    page.get_by_role("link", name=in_french("Ask to join")).click()
    page.get_by_label(in_french("Why would you like to join?")).fill(
        "Je coordonne l'annuaire statistique du ministère."
    )
    page.get_by_role("button", name=in_french("Send my request")).click()
    expect(page.get_by_role("status")).to_contain_text(
        in_french(
            "Your request has been sent to the moderators of %s. You will get an "
            "email when they decide."
        )
        .split("%s")[0]
        .strip()
    )

    # The moderator (who reads English) approves; the approval mail is French.
    member = get_user_model().objects.get(email="aminata@ministere.example.org")
    moderator = get_user_model().objects.get(email="moderator@emis.example.org")
    mail.outbox.clear()
    membership_approve(
        membership=Membership.objects.get(user=member, group=group),
        actor=moderator,
        message="Bienvenue !",
    )
    approval = next(m for m in mail.outbox if m.to == [member.email])
    welcome = in_french(
        "Your request to join %(group_name)s has been approved. Welcome!"
    )
    assert welcome % {"group_name": group.title} in approval.body
    assert (
        in_french("Welcome to %(group)s") % {"group": group.title} in approval.subject
    )
    moderators_mail = [m for m in mail.outbox if moderator.email in m.to]
    assert moderators_mail and "approved" in moderators_mail[0].subject

    # A French lesson learned, found through the library's filters.
    page.goto("/fr/lessons-learned/?language=fr")
    lesson = ResourcePage.objects.live().get(
        language="fr", format="lesson-learned", title__startswith="Leçon apprise"
    )
    page.get_by_role("link", name=lesson.title).click()
    expect(page.locator("h1#resource-title")).to_have_text(lesson.title)
    expect(page.locator("h1#resource-title")).not_to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    context.close()
