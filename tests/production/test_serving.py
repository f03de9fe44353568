"""Serving with DEBUG off: public images by Django (or nginx), members-only
documents only through the permission-checked view, optionally handed to the
front server with X-Accel-Redirect or X-Sendfile."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import (
    DocumentFactory,
    MembershipFactory,
    ResourceFactory,
    UserFactory,
    WorkingGroupFactory,
)
from working_groups.models import Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_files():
    root = Path(settings.MEDIA_ROOT)
    (root / "images").mkdir(parents=True, exist_ok=True)
    (root / "documents").mkdir(parents=True, exist_ok=True)
    image = root / "images" / "school-map.width-400.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n image")
    secret = root / "documents" / "budget-secret.pdf"
    secret.write_bytes(b"%PDF secret")
    yield
    image.unlink()
    secret.unlink()


def test_public_images_are_served_with_debug_off(client, media_files):
    assert settings.DEBUG is False
    response = client.get("/media/images/school-map.width-400.png")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "path",
    [
        "/media/documents/budget-secret.pdf",
        "/media//documents/budget-secret.pdf",
        "/media/./documents/budget-secret.pdf",
        "/media/images/../documents/budget-secret.pdf",
        "/media/images/..%2fdocuments%2fbudget-secret.pdf",
        "/media/images/%2e%2e/documents/budget-secret.pdf",
    ],
)
def test_documents_are_never_served_from_the_media_folder(client, media_files, path):
    response = client.get(path)

    assert response.status_code == 404


@pytest.fixture
def members_only_document(home_page):
    group = WorkingGroupFactory(title="Financing")
    member = MembershipFactory(group=group, user=UserFactory(username="m")).user
    document = DocumentFactory(title="Budget annex")
    ResourceFactory(
        title="Budget draft",
        parent=group,
        visibility=Visibility.MEMBERS,
        attachments=[document],
    )
    return document, member


@pytest.mark.parametrize(
    ("backend", "header"),
    [
        ("portal.sendfile.nginx", "X-Accel-Redirect"),
        ("portal.sendfile.xsendfile", "X-Sendfile"),
    ],
)
def test_members_only_documents_go_through_the_check_then_the_front_server(
    client, settings, members_only_document, backend, header
):
    from wagtail.utils.sendfile import _get_sendfile

    settings.SENDFILE_BACKEND = backend  # fixed per deployment; Wagtail caches it
    settings.SENDFILE_URL = "/protected-media"
    _get_sendfile.clear()
    document, member = members_only_document

    try:
        refused = client.get(document.url)
        client.force_login(member)
        allowed = client.get(document.url)
    finally:
        _get_sendfile.clear()

    assert refused.status_code in (302, 404) and not refused.has_header(header)
    assert allowed.status_code == 200
    assert allowed.content == b""  # the front server sends the bytes
    name = Path(document.file.name)
    if header == "X-Accel-Redirect":
        assert allowed[header] == f"/protected-media/{name}"
    else:
        assert allowed[header] == str(Path(settings.MEDIA_ROOT).resolve() / name)


def test_the_nginx_example_never_exposes_the_documents_folder():
    conf = (Path(settings.BASE_DIR) / "deploy" / "nginx.conf").read_text()

    assert "location /media/ {\n        return 404;" in conf
    assert "internal;" in conf
    assert (
        "documents"
        not in conf.split("location /protected-media/")[0]
        .split("location ~ ^/media/")[1]
        .split("}")[0]
    )
