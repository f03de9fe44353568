"""Issue 9, items 1 and 15: members-only files never leave through /media/, and
every attachment is downloaded, never shown inline from the portal's origin."""

import pytest
from django.conf import settings
from django.http import Http404
from django.test import RequestFactory

from portal.media import media_serve

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_files():
    documents = settings.MEDIA_ROOT / "documents"
    images = settings.MEDIA_ROOT / "original_images"
    documents.mkdir(parents=True, exist_ok=True)
    images.mkdir(parents=True, exist_ok=True)
    (documents / "secret-plan.pdf").write_bytes(b"%PDF-1.4 secret")
    (images / "logo.png").write_bytes(b"\x89PNG public")
    yield
    (documents / "secret-plan.pdf").unlink()
    (images / "logo.png").unlink()


@pytest.mark.parametrize(
    "path",
    [
        "documents/secret-plan.pdf",
        "/documents/secret-plan.pdf",
        "./documents/secret-plan.pdf",
        "x/../documents/secret-plan.pdf",
        "original_images/../documents/secret-plan.pdf",
        "Documents/secret-plan.pdf",
        "documents//secret-plan.pdf",
        "..\\media\\documents\\secret-plan.pdf",
    ],
)
def test_no_spelling_of_the_path_serves_a_document(media_files, path):
    request = RequestFactory().get(f"/media/{path}")

    with pytest.raises(Http404):
        media_serve(request, path)


def test_images_are_still_served(media_files):
    request = RequestFactory().get("/media/original_images/logo.png")

    response = media_serve(request, "original_images/logo.png")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG public"


def test_the_development_server_sends_every_media_path_through_the_check(settings):
    """The old route matched the raw path with a regex; now every /media/ URL
    reaches media_serve, which checks the normalised one."""
    import importlib

    from django.urls import resolve

    import portal.urls

    settings.DEBUG = True
    try:
        development_urls = importlib.reload(portal.urls)
        for url in ["/media//documents/x.pdf", "/media/./documents/x.pdf"]:
            assert resolve(url, urlconf=development_urls).func is media_serve
    finally:
        settings.DEBUG = False
        importlib.reload(portal.urls)


def test_attachments_are_downloaded_not_shown_inline(client, world):
    client.force_login(world["member"])

    response = client.get(world["document"].url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
