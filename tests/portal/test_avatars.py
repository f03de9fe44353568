"""Faces: profile pictures cropped square through Wagtail renditions, initials
otherwise, and profile pages that respect the directory opt-in."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from portal.avatars import colour_for, initials_svg
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def png(width=400, height=200, split=True, name="me.png"):
    """A picture whose left half is red and right half blue."""
    image = PILImage.new("RGB", (width, height), (220, 0, 0))
    if split:
        image.paste((0, 0, 220), (width // 2, 0, width, height))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def centre_colour(profile):
    rendition = profile.avatar.get_rendition("fill-192x192-c100")
    with rendition.file.open("rb") as handle:
        picture = PILImage.open(handle).convert("RGB")
        assert picture.size == (192, 192)
        return picture.getpixel((96, 96))


def test_initials_avatar_is_named_and_keeps_its_colour():
    svg = initials_svg(name="Amina Diallo", key=42)
    assert 'role="img"' in svg
    assert 'aria-label="Amina Diallo"' in svg
    assert ">AD</text>" in svg
    assert colour_for(42) in svg
    assert initials_svg(name="Amina Diallo", key=42) == svg
    assert "aria-hidden" in initials_svg(name="X", key=1, decorative=True)


def test_initials_escape_names():
    svg = initials_svg(name='<script>"x', key=1)
    assert "<script>" not in svg


def test_upload_crops_the_chosen_square(client, home_page):
    user = UserFactory(username="amina", display_name="Amina Diallo")
    client.force_login(user)
    response = client.post(
        reverse("profile_avatar"),
        {"picture": png(), "crop_size": 100, "crop_left": 0, "crop_top": 50},
    )
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.avatar_url.endswith(".png")
    assert "amina" not in user.profile.avatar_url  # a random, neutral file name
    red, _green, blue = centre_colour(user.profile)
    assert red > 150 and blue < 50  # the left (red) square was kept

    response = client.post(
        reverse("profile_avatar"),
        {"picture": png(), "crop_size": 100, "crop_left": 100, "crop_top": 50},
    )
    user.profile.refresh_from_db()
    red, _green, blue = centre_colour(user.profile)
    assert blue > 150 and red < 50  # now the right (blue) square

    page = client.get(reverse("profile_edit"))
    assert user.profile.avatar_url in page.content.decode()


def test_upload_refuses_what_is_not_a_picture(client, home_page):
    user = UserFactory(username="amina")
    client.force_login(user)
    fake = SimpleUploadedFile("me.png", b"%PDF-1.4 not a picture", "image/png")
    response = client.post(
        reverse("profile_avatar"),
        {"picture": fake, "crop_size": 100, "crop_left": 50, "crop_top": 50},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    user.profile.refresh_from_db()
    assert user.profile.avatar_url == ""

    tiny = png(width=20, height=20, split=False)
    response = client.post(
        reverse("profile_avatar"),
        {"picture": tiny, "crop_size": 100, "crop_left": 50, "crop_top": 50},
    )
    assert "at least 64 pixels" in response.content.decode()


def test_remove_picture_returns_to_initials(client, home_page):
    user = UserFactory(username="amina", display_name="Amina Diallo")
    client.force_login(user)
    client.post(
        reverse("profile_avatar"),
        {"picture": png(), "crop_size": 100, "crop_left": 50, "crop_top": 50},
    )
    client.post(reverse("profile_avatar"), {"action": "remove"})
    user.profile.refresh_from_db()
    assert user.profile.avatar is None and user.profile.avatar_url == ""
    page = client.get(reverse("profile_edit")).content.decode()
    assert re.search(r"<svg class=\"avatar avatar--initials\"", page)


def test_avatar_page_needs_sign_in(client, home_page):
    response = client.get(reverse("profile_avatar"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
