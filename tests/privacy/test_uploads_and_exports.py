"""Issue 9, item 15: spreadsheet exports neutralise formulas, and office
documents that unpack to far more than they weigh are refused."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from knowledge.services import attachment_validate
from portal.spreadsheets import neutralise_formula
from working_groups.models import Membership

pytestmark = pytest.mark.django_db


def test_membership_export_writes_formulas_as_text(client, world):
    world["outsider"].profile.display_name = '=HYPERLINK("http://evil.example","x")'
    world["outsider"].profile.save()
    Membership.objects.create(
        user=world["outsider"], group=world["group"], status=Membership.Status.PENDING
    )
    world["outsider"].first_name = "=cmd|' /C calc'!A0"
    world["outsider"].save()
    client.force_login(world["staff"])

    export = client.get(
        reverse("wagtailsnippets_working_groups_membership:list") + "?export=csv"
    )

    body = b"".join(export.streaming_content).decode()
    cells = [cell for line in body.splitlines() for cell in line.split(",")]
    assert export.status_code == 200
    assert not any(cell.lstrip('"').startswith(("=", "+", "@")) for cell in cells)


def test_formula_neutraliser():
    assert neutralise_formula("=1+2") == "'=1+2"
    assert neutralise_formula("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_formula("Amina") == "Amina"
    assert neutralise_formula(3) == 3


def _docx(members: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return SimpleUploadedFile("report.docx", buffer.getvalue())


def test_an_office_document_that_inflates_enormously_is_refused(settings):
    settings.DOCUMENT_MAX_UNCOMPRESSED_MB = 5
    bomb = _docx({"word/document.xml": b"0" * (6 * 1024 * 1024)})

    with pytest.raises(ValidationError, match="unpacks to too much"):
        attachment_validate(bomb)


def test_an_ordinary_office_document_is_accepted():
    document = _docx(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document>Census report, 2024.</w:document>",
        }
    )

    attachment_validate(document)
