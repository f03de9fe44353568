"""The demo's three working groups each have their own image, drawn at load
time, so their cards and pages are told apart at a glance."""

from django.test import Client
from PIL import Image as PillowImage
from wagtail.images import get_image_model

import portal.demo
import portal.demo_images
from working_groups.demo import GROUPS
from working_groups.models import WorkingGroupPage


def _groups():
    return list(
        WorkingGroupPage.objects.live()
        .filter(slug__in=[g["slug"] for g in GROUPS])
        .select_related("image")
        .order_by("path")
    )


def test_each_demo_group_has_its_own_image_on_its_card_and_page(demo_content):
    groups = _groups()
    assert len(groups) == 3
    images = [group.image for group in groups]
    assert all(images) and len({image.pk for image in images}) == 3
    # Each is drawn on the group's own colour.
    for group, image in zip(groups, images, strict=True):
        with image.open_file() as file, PillowImage.open(file) as picture:
            corner = picture.convert("RGB").getpixel((2, 2))
        assert "#{:02x}{:02x}{:02x}".format(*corner) == group.colour

    listing = Client().get("/working-groups/").text
    assert listing.count('class="group-card__image"') >= 3
    assert 'class="group-banner"' in Client().get(groups[1].url).text


def test_loading_the_images_again_changes_nothing(demo_content):
    before = {group.pk: group.image_id for group in _groups()}
    image_count = get_image_model().objects.count()

    portal.demo_images.load(portal.demo.DemoContext(write=lambda text: None))

    assert {group.pk: group.image_id for group in _groups()} == before
    assert get_image_model().objects.count() == image_count
