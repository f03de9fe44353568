"""Linked translations of content: the demo's home page and group 1 read in
French and Spanish, and a resource offers its other language versions."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.html import escape

from knowledge.models import ResourcePage
from working_groups.models import WorkingGroupPage

pytestmark = pytest.mark.django_db
HTML = {"HTTP_ACCEPT": "text/html"}


def test_home_page_and_group_description_in_french_and_spanish(client, demo_content):
    group = WorkingGroupPage.objects.get(slug="technologies-and-architectures")
    english_home = client.get("/", **HTML).text

    assert "Une communauté de partage des connaissances" in client.get("/fr/").text
    assert "Una comunidad para compartir conocimientos" in client.get("/es/").text
    assert "A knowledge-sharing community" in english_home
    with translation.override("fr"):
        french_group = client.get(group.url, **HTML).text
    assert "guider le développement des futurs SIGE" in french_group
    # Russian has no translation yet: the original text is shown.
    with translation.override("ru"):
        assert "The technologies that should guide" in client.get(group.url).text


def test_a_resource_offers_its_translations(client, demo_content):
    original = ResourcePage.objects.get(
        title="Data governance frameworks for education ministries"
    )
    versions = {page.language: page for page in original.get_translations()}

    assert set(versions) == {"fr", "es"}
    html = client.get(original.url, **HTML).text
    assert "Also available in:" in html
    for language, page in versions.items():
        assert f'href="{page.url}" hreflang="{language}"' in html
    french = client.get(versions["fr"].url, **HTML).text
    assert f'href="{original.url}" hreflang="en"' in french


def test_members_only_translations_stay_private(client, demo_content):
    original = ResourcePage.objects.get(
        title="Data governance frameworks for education ministries"
    )
    spanish = original.get_translations().get(language="es")
    spanish.visibility = "members"
    spanish.save_revision().publish()

    html = client.get(original.url, **HTML).text

    assert 'hreflang="es"' not in html.split("Also available in:")[1].split("</p>")[0]


def test_search_shows_one_hit_per_resource_with_its_translations(client, demo_content):
    call_command("search_reindex", stdout=StringIO())
    original = ResourcePage.objects.get(
        title="Data governance frameworks for education ministries"
    )
    french = original.get_translations().get(language="fr")

    html = client.get("/fr/search/?q=legal+frameworks", **HTML).text

    hits = html.split('class="search-hit ')[1:]
    family = [hit for hit in hits if "Also available in:" in hit or "Également" in hit]
    assert len(family) == 1
    assert escape(french.title) in family[0]
    assert sum(escape(original.title) in hit for hit in hits) == 0


def test_the_library_shows_the_readers_language_first(client, demo_content):
    html = client.get("/es/knowledge/", **HTML).text

    first_card = html.split('class="resource-card__title"', 1)[1]
    assert first_card.startswith(' lang="es"')
