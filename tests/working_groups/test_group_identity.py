"""Working groups carry a colour, an image and a tagline, so the three spaces
are recognisable at a glance on their cards, in lists and on their page."""

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

import portal.demo
import working_groups.demo
from tests.factories import WorkingGroupFactory
from working_groups.models import GroupColour, WorkingGroupPage


def an_image(title="Census field work"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 400), (20, 120, 130)).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name="banner.png")
    )


@pytest.fixture
def identified_group(home_page):
    return WorkingGroupFactory(
        title="Peer learning and capacity development",
        tagline="Countries learning from each other",
        colour=GroupColour.TEAL,
        image=an_image(),
    )


def test_the_group_card_shows_colour_image_and_tagline_in_lists(
    client, identified_group
):
    for path in ("/", "/working-groups/"):
        page = client.get(path).text
        assert "Countries learning from each other" in page
        assert "--group-colour: #00707a" in page
        assert 'class="group-card__image"' in page


def test_the_group_page_shows_its_identity(client, identified_group):
    page = client.get(identified_group.url).text

    assert 'class="group-tagline"' in page
    assert "Countries learning from each other" in page
    assert "--group-colour: #00707a" in page
    assert 'class="group-banner"' in page


def test_a_group_without_identity_shows_no_empty_band(client, home_page):
    group = WorkingGroupFactory(title="Plain group")

    page = client.get("/working-groups/").text

    assert "Plain group" in page
    assert "--group-colour" not in page and "group-card__tagline" not in page
    assert "group-banner" not in client.get(group.url).text


def test_the_colour_is_one_of_the_palette(home_page):
    from django.core.exceptions import ValidationError

    group = WorkingGroupFactory(title="Odd colour")
    group.colour = "red; background: url(x)"

    with pytest.raises(ValidationError):
        group.full_clean()


def test_the_admin_edits_the_identity(admin_client, identified_group):
    from django.urls import reverse

    form = admin_client.get(
        reverse("wagtailadmin_pages:edit", args=[identified_group.pk])
    ).text

    for field in ("tagline", "colour", "image"):
        assert f'name="{field}"' in form


def test_the_demo_gives_each_group_its_own_colour_and_tagline(db):
    context = portal.demo.DemoContext(write=lambda text: None)
    portal.demo.load(context)
    working_groups.demo.load(context)

    groups = list(WorkingGroupPage.objects.order_by("path"))
    assert len(groups) == 3
    assert all(group.tagline for group in groups)
    assert len({group.colour for group in groups}) == 3


@pytest.mark.django_db
def test_group_images_cost_no_cache_writes_in_the_database_cache(home_page, client):
    """With the deployed caches (the database cache by default), showing group
    cards with images twice writes nothing to the database cache: renditions
    have a cache of their own (Wagtail sets it on every rendering)."""
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from portal.settings import base

    for index in range(3):
        WorkingGroupFactory(title=f"Group {index}", image=an_image(f"Image {index}"))
    caches = {
        "default": base.CACHES["default"],
        "renditions": base.CACHES["renditions"],
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    with override_settings(CACHES=caches):
        call_command("createcachetable", verbosity=0)
        client.get("/working-groups/")  # renditions made once
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/working-groups/")
    assert response.status_code == 200
    assert response.content.count(b'class="group-card__image"') >= 3
    cache_writes = [q["sql"] for q in queries if "portal_cache" in q["sql"]]
    assert not any("rendition" in sql for sql in cache_writes), cache_writes
