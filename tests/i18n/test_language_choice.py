"""The language sticks: the URL carries it, the switcher keeps the page and
remembers a member's choice, the browser's language greets a first visit, and
every page points at its other languages."""

import pytest
from django.conf import settings

from languages.models import LanguagePreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HTML = {"HTTP_ACCEPT": "text/html"}


def test_english_urls_stay_and_other_languages_are_prefixed(client, home_page):
    english = client.get("/", **HTML)
    french = client.get("/fr/", **HTML)

    assert english.status_code == 200 and '<html lang="en" dir="ltr">' in english.text
    assert french.status_code == 200 and '<html lang="fr" dir="ltr">' in french.text
    assert '<html lang="ar" dir="rtl">' in client.get("/ar/", **HTML).text


def test_first_visit_follows_the_browser_language(client, home_page):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9", **HTML)

    assert response.status_code == 302 and response["Location"] == "/es/"


def test_the_switcher_keeps_the_page_and_remembers_a_members_choice(client, home_page):
    member = UserFactory(username="ana")
    client.force_login(member)

    response = client.post(
        "/i18n/setlang/", {"language": "ru", "next": "/fr/search/?q=census"}
    )

    assert response["Location"] == "/ru/search/?q=census"
    assert LanguagePreference.objects.get(user=member).language == "ru"
    # Back on an English (unprefixed) link, the member's language wins.
    again = client.get("/search/?q=census", **HTML)
    assert again.status_code == 302 and again["Location"] == "/ru/search/?q=census"

    client.post("/i18n/setlang/", {"language": "en", "next": "/ru/search/"})
    assert client.get("/search/", **HTML).status_code == 200


def test_a_shared_prefixed_link_opens_in_its_language_for_anyone(client, home_page):
    member = UserFactory(username="ana")
    LanguagePreference.objects.create(user=member, language="ar")
    client.force_login(member)

    response = client.get("/zh-hans/", **HTML)

    assert response.status_code == 200 and 'lang="zh-hans"' in response.text


def test_api_and_feeds_answer_in_the_readers_language_without_redirecting(
    client, home_page
):
    response = client.get("/api/search/?q=fr", HTTP_ACCEPT_LANGUAGE="fr")
    prefixed = client.get("/fr/api/search/?q=fr")
    feed = client.get("/feeds/resources/", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 200 and response["Content-Language"] == "fr"
    assert prefixed.status_code == 200 and prefixed["Content-Language"] == "fr"
    assert feed.status_code == 200
    assert "Comunidad de práctica EMIS" in feed.text


def test_pages_link_their_other_languages(client, home_page):
    html = client.get("/fr/", **HTML).text

    for code, path in [("en", "/"), ("es", "/es/"), ("ar", "/ar/"), ("x-default", "/")]:
        href = settings.WAGTAILADMIN_BASE_URL + path
        assert f'<link rel="alternate" hreflang="{code}" href="{href}">' in html


def test_javascript_catalogue_in_each_language(client, home_page):
    french = client.get("/fr/jsi18n/").text
    arabic = client.get("/ar/jsi18n/").text

    assert "Aucune suggestion" in french
    assert (
        "\\u0644\\u0627 \\u062a\\u0648\\u062c\\u062f" in arabic or "لا توجد" in arabic
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/knowledge/?q=data&format=report",
        "/fr/knowledge/",
        "/ar/working-groups/some-group/",
        "/search/?q=census+quality",
        "/countries/ke/",
        "/zh-hans/events/calendar.ics",
        "/no/such/page/",
        "/static/css/portal.css",
    ],
)
def test_language_alternates_are_what_translate_url_answers(path):
    """The alternates come from one resolve and a reverse per language: the
    same links Django's translate_url gives for each language."""
    from django.urls import translate_url

    from languages.templatetags.languages_tags import _translations

    codes = [code for code, _name in settings.LANGUAGES] + [settings.LANGUAGE_CODE]
    assert _translations(path, codes) == [translate_url(path, code) for code in codes]
