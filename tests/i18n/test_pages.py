"""Home, library, a resource, search, a thread, an event and sign-in in each of
the six languages: the page says which language it is in (and its direction),
and no English interface text the catalogue translates is left on it."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from forums.models import Thread
from knowledge.models import ResourcePage
from working_groups.models import EventPage

from .catalogues import CATALOGUE_LANGUAGES, PLACEHOLDER, load
from .catalogues import LOCALE_DIR as LOCALES
from .pages import interface_text, msgid_pattern

pytestmark = pytest.mark.django_db

RIGHT_TO_LEFT = {"ar"}


def _pages(language: str) -> dict[str, str]:
    with translation.override(language):
        resource = ResourcePage.objects.live().public().order_by("pk").first()
        event = EventPage.objects.live().order_by("pk").first()
        thread = Thread.objects.filter(forum__group__isnull=True).order_by("pk")[0]
        prefix = "" if language == "en" else f"/{language}"
        return {
            "home": f"{prefix}/",
            "library": f"{prefix}/knowledge/",
            "resource": resource.url,
            "search": f"{prefix}/search/?q=data",
            "thread": thread.get_absolute_url(),
            "event": event.url,
            "sign-in": f"{prefix}/accounts/login/",
        }


def _english_left(html: str, language: str) -> list[str]:
    """Catalogue msgids shown in English although the catalogue translates them."""
    directory = CATALOGUE_LANGUAGES[language]
    texts = interface_text(html, language).texts
    left = set()
    for entry in load(LOCALES / directory / "LC_MESSAGES" / "django.po"):
        english = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        translated = (
            list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        )
        for msgid in english:
            literal = PLACEHOLDER.sub("", msgid)
            if (
                "<" in msgid
                or msgid in translated
                or sum(map(str.isalpha, literal)) < 2
            ):
                continue
            pattern = msgid_pattern(msgid)
            left.update(msgid for text in texts if pattern.fullmatch(text))
    return sorted(left)


@pytest.fixture
def member_client(client, demo_content):
    client.force_login(get_user_model().objects.get(email="member@emis.example.org"))
    return client


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar", "ru", "zh-hans"])
def test_pages_are_in_the_readers_language(client, demo_content, language):
    member = get_user_model().objects.get(email="member@emis.example.org")
    problems = {}
    for who in ("visitor", "member"):
        if who == "member":
            client.force_login(member)
        pages = _pages(language)
        if who == "member":  # signed in: the profile instead of the sign-in form
            pages["sign-in"] = pages["sign-in"].replace("login/", "profile/")
        for name, url in pages.items():
            response = client.get(url, HTTP_ACCEPT="text/html")
            assert response.status_code == 200, (who, name, url)
            html = response.content.decode()
            page = interface_text(html, language)
            assert page.html_lang == language, (who, name)
            expected_dir = "rtl" if language in RIGHT_TO_LEFT else "ltr"
            assert page.html_dir == expected_dir, (who, name)
            if language != "en":
                left = _english_left(html, language)
                if left:
                    problems[f"{who} {name} {url}"] = left
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
