"""Countries found in text in the six languages, and events' countries taken
once from where they are held (the migration that added the field)."""

import importlib

import pytest
from django.apps import apps

from places.matching import countries_mentioned, country_of_location
from tests.factories import EventFactory
from working_groups.models import EventPage


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("We met the team from Senegal and Kenya.", ["SN", "KE"]),
        ("Le recensement scolaire au Sénégal et en Côte d'Ivoire", ["SN", "CI"]),
        ("El censo escolar en Perú y en Kenia", ["PE", "KE"]),
        ("Опыт школ в Сенегале и Кении", ["SN", "KE"]),
        ("تجربة بالسنغال وفي كينيا", ["SN", "KE"]),
        ("塞内加尔和肯尼亚的学校普查", ["SN", "KE"]),
        ("SENEGAL, senegal, SÉNÉGAL", ["SN"]),
        ("Figures for SEN, then KE.", ["SN", "KE"]),
        ("The DRC and the Republic of the Congo", ["CD", "CG"]),
        (
            "Papua New Guinea, then Guinea; Niger, then Nigeria",
            ["PG", "GN", "NE", "NG"],
        ),
        ("IT staff in HR ask if IS and ML fit", []),
        ("Nothing about any country here", []),
    ],
)
def test_countries_are_found_in_six_languages_and_by_code(text, codes):
    assert countries_mentioned(text) == codes


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # English: proper names only; people and food are not countries.
        ("chad, turkey and a guinea pig for dinner", []),
        ("Michael Jordan and Georgia O'Keeffe met Chad Smith", []),
        ("Schools in Jordan and Chad; Amman, Jordan", ["JO", "TD"]),
        ("Jordan has a new EMIS. Lake Chad is shared.", ["JO"]),
        ("EDUCATION IN JORDAN AND GEORGIA", ["JO", "GE"]),
        ("the Niger Delta of Nigeria; Niger and Guinea", ["NG", "NE", "GN"]),
        ("south africa and costa rica", []),
        ("South Africa and Costa Rica", ["ZA", "CR"]),
        # French, Spanish, Russian capitalise country names too.
        ("le tchad et la jordanie", []),
        ("Le Tchad et la Jordanie", ["TD", "JO"]),
        ("el censo en chad y georgia", []),
        ("El censo en Chad y Georgia", ["TD", "GE"]),
        ("опыт в иордании и грузии", []),
        ("Опыт в Иордании и Грузии", ["JO", "GE"]),
        # Arabic and Chinese have no case: unchanged.
        ("تجربة الأردن وتشاد", ["JO", "TD"]),
        ("约旦和乍得的学校", ["JO", "TD"]),
    ],
)
def test_country_names_match_as_proper_names(text, codes):
    assert countries_mentioned(text) == codes


def test_the_country_of_a_location_is_the_last_one_named():
    assert country_of_location("UNESCO, Kenya Room\n75007 Paris, France") == "FR"
    assert country_of_location("", "Dakar, Sénégal") == "SN"
    assert country_of_location("Online", "") == ""


@pytest.mark.django_db
def test_the_migration_gives_existing_events_their_country(home_page):
    held = EventFactory(
        title="EMIS week", venue="KICC", address="Harambee Avenue\nNairobi, Kenya"
    )
    held.save_revision()  # a draft saved before the field existed
    online = EventFactory(title="Webinar", venue="")
    chosen = EventFactory(title="Chosen", address="Lima, Peru", country="CO")
    migration = importlib.import_module("working_groups.migrations.0005_event_country")
    migration.country_from_location(apps, None)
    held.refresh_from_db()
    assert held.country == "KE"
    assert held.get_latest_revision().content["country"] == "KE"
    assert EventPage.objects.get(pk=online.pk).country == ""
    assert EventPage.objects.get(pk=chosen.pk).country == "CO"
