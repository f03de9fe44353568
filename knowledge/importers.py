"""Bulk import of resources from CSV, RIS or CSL-JSON: parse rows with their line
numbers, validate each one, then create or update it (by DOI, else by link, else
by the portal's own page link)."""

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import rispy
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http.request import validate_host
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from working_groups.models import Visibility, WorkingGroupPage

from .models.pages import DOI_PATTERN, RESERVED_SLUGS, next_year, normalise_doi
from .vocabulary import (
    CSL_TYPE_FORMATS,
    CSL_TYPES,
    LANGUAGE_CHOICES,
    LANGUAGE_NAMES,
    RIS_TYPE_FORMATS,
    RIS_TYPES,
    Format,
    KnowledgeType,
    Level,
    Licence,
    Region,
)

CSV_COLUMNS = [
    "title",
    "summary",
    "format",
    "knowledge_type",
    "level",
    "language",
    "year",
    "publication_date",
    "authors",
    "organisations",
    "series",
    "series_number",
    "doi",
    "url",
    "licence",
    "tags",
    "regions",
    "countries",
    "visibility",
    "group",
]
LIST_SEPARATOR = re.compile(r"\s*;\s*")

# ISO 639-2 codes and English names that RIS files use for the UN languages.
LANGUAGE_ALIASES = {
    "eng": "en",
    "fre": "fr",
    "fra": "fr",
    "spa": "es",
    "ara": "ar",
    "rus": "ru",
    "chi": "zh",
    "zho": "zh",
    "por": "pt",
    "chinese": "zh",
}


@dataclass
class ImportRow:
    """One record of a file. ``partial`` rows (RIS, CSL-JSON) only say what their
    format can carry: on an existing resource, the fields they leave empty keep
    their values, and a coarse type (RIS GEN, CSL document) keeps the format it
    is consistent with."""

    line: int
    data: dict
    error: str = ""
    partial: bool = False


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def split_list(value: str) -> list[str]:
    return [item for item in LIST_SEPARATOR.split(value or "") if item.strip()]


# -- Parsing ----------------------------------------------------------------------


def parse_csv(text: str) -> Iterator[ImportRow]:
    """One ImportRow per CSV record, numbered by the line it starts on."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        return
    headers = [(name or "").strip().lower() for name in reader.fieldnames]
    reader.fieldnames = headers
    if "title" not in headers:
        raise ValidationError(
            _("The CSV file needs a header row with at least a “title” column.")
        )
    start = reader.line_num + 1
    for record in reader:
        data = {
            key: (value or "").strip()
            for key, value in record.items()
            if key and not isinstance(value, list)
        }
        row = ImportRow(line=start, data=data)
        if None in record:
            row.error = _("more values than columns")
        start = reader.line_num + 1
        if any(data.values()) or row.error:
            yield row


def _ris_year(record: dict) -> str:
    for key in ("year", "publication_year", "date"):
        match = re.match(r"\s*(\d{4})", str(record.get(key) or ""))
        if match:
            return match.group(1)
    return ""


def _ris_date(record: dict) -> str:
    match = re.match(r"\s*(\d{4})/(\d{2})/(\d{2})", str(record.get("date") or ""))
    return "-".join(match.groups()) if match else ""


def ris_record_to_row(record: dict) -> dict:
    ris_type = (record.get("type_of_reference") or "").strip().upper()
    publishers = record.get("publisher") or ""
    summary = record.get("abstract") or record.get("notes_abstract") or ""
    data = {
        "ris_type": ris_type,
        "format": RIS_TYPE_FORMATS.get(ris_type, ""),
        "title": record.get("title") or record.get("primary_title") or "",
        "summary": summary,
        "authors": "\n".join(
            [*(record.get("first_authors") or []), *(record.get("authors") or [])]
        ),
        "organisations": publishers,
        "year": _ris_year(record),
        "publication_date": _ris_date(record),
        "series": record.get("tertiary_title") or record.get("secondary_title") or "",
        "series_number": record.get("number") or "",
        "doi": record.get("doi") or "",
        "url": (record.get("urls") or [""])[0],
        "language": record.get("language") or "",
        "tags": "; ".join(record.get("keywords") or []),
    }
    if not data["summary"] and data["title"]:
        # RIS records often have no abstract; a summary is still required.
        parts = [str(Format(data["format"]).label) if data["format"] else ""]
        if publishers:
            parts.append(_("published by %(who)s") % {"who": publishers})
        if data["year"]:
            parts.append(_("in %(year)s") % {"year": data["year"]})
        data["summary"] = " ".join(part for part in parts if part).strip() + "."
    return {key: str(value).strip() for key, value in data.items()}


RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: |$)")


def parse_ris(text: str) -> Iterator[ImportRow]:
    """One ImportRow per RIS record (TY … ER), numbered by its TY line."""
    chunk: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        match = RIS_TAG.match(line)
        tag = match.group(1) if match else ""
        if tag == "TY":
            if chunk:
                yield ImportRow(
                    line=start, data={}, error=_("record not closed by an ER line")
                )
            chunk, start = [line], number
        elif chunk:
            chunk.append(line)
            if tag == "ER":
                try:
                    records = rispy.loads("\n".join(chunk) + "\n")
                except Exception as error:  # noqa: BLE001 - a bad record is rejected
                    yield ImportRow(line=start, data={}, error=str(error))
                else:
                    for record in records:
                        yield ImportRow(
                            line=start, data=ris_record_to_row(record), partial=True
                        )
                chunk = []
    if chunk:
        yield ImportRow(line=start, data={}, error=_("record not closed by an ER line"))


def _csl_date(item: dict) -> tuple[str, str]:
    """(year, ISO date if complete) of a CSL item's ``issued``."""
    parts = ((item.get("issued") or {}).get("date-parts") or [[]])[0] or []
    try:
        numbers = [int(part) for part in parts]
    except (TypeError, ValueError):
        return "", ""
    year = str(numbers[0]) if numbers else ""
    date = "{:04d}-{:02d}-{:02d}".format(*numbers[:3]) if len(numbers) >= 3 else ""
    return year, date


def _csl_names(names) -> list[str]:
    result = []
    for name in names or []:
        if not isinstance(name, dict):
            continue
        if name.get("literal"):
            result.append(str(name["literal"]))
        elif name.get("family"):
            given = name.get("given")
            result.append(
                f"{name['family']}, {given}" if given else str(name["family"])
            )
    return result


def csl_item_to_row(item: dict) -> dict:
    csl_type = str(item.get("type") or "").strip()
    year, date = _csl_date(item)
    keywords = str(item.get("keyword") or "")
    separator = ";" if ";" in keywords else ","
    data = {
        "csl_type": csl_type,
        "format": CSL_TYPE_FORMATS.get(csl_type, ""),
        "title": item.get("title") or "",
        "summary": item.get("abstract") or "",
        "authors": "\n".join(_csl_names(item.get("author"))),
        "organisations": item.get("publisher") or "",
        "year": year,
        "publication_date": date,
        "series": item.get("collection-title") or item.get("container-title") or "",
        "series_number": item.get("collection-number") or "",
        "doi": item.get("DOI") or "",
        "url": item.get("URL") or "",
        "language": item.get("language") or "",
        "tags": "; ".join(
            word.strip() for word in keywords.split(separator) if word.strip()
        ),
    }
    if not data["summary"] and data["title"]:
        parts = [str(Format(data["format"]).label) if data["format"] else ""]
        if data["organisations"]:
            parts.append(_("published by %(who)s") % {"who": data["organisations"]})
        if data["year"]:
            parts.append(_("in %(year)s") % {"year": data["year"]})
        data["summary"] = " ".join(part for part in parts if part).strip() + "."
    return {key: str(value).strip() for key, value in data.items()}


def parse_csl_json(text: str) -> Iterator[ImportRow]:
    """One ImportRow per CSL-JSON item, numbered by its place in the list."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            _("The file is not JSON: %(error)s") % {"error": error}
        ) from error
    if isinstance(document, dict):
        document = document.get("items", [document])
    if not isinstance(document, list):
        raise ValidationError(_("A CSL-JSON file holds a list of items."))
    for number, item in enumerate(document, start=1):
        if not isinstance(item, dict):
            yield ImportRow(line=number, data={}, error=_("not a CSL-JSON item"))
            continue
        yield ImportRow(line=number, data=csl_item_to_row(item), partial=True)


# -- Validation ---------------------------------------------------------------------


class MultipleValueField(forms.MultipleChoiceField):
    """A ``;``-separated list of choices."""

    def to_python(self, value):
        return split_list(value) if isinstance(value, str) else super().to_python(value)


class ResourceImportForm(forms.Form):
    """One import row. Bad values are reported with the column's name."""

    title = forms.CharField(max_length=255)
    summary = forms.CharField(max_length=4000)
    format = forms.ChoiceField(choices=Format.choices)
    knowledge_type = forms.ChoiceField(choices=KnowledgeType.choices, required=False)
    level = forms.ChoiceField(choices=Level.choices, required=False)
    language = forms.CharField(required=False, max_length=40)
    year = forms.IntegerField(required=False, min_value=1900)
    publication_date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    authors = forms.CharField(required=False, max_length=4000)
    organisations = forms.CharField(required=False, max_length=2000)
    series = forms.CharField(required=False, max_length=255)
    series_number = forms.CharField(required=False, max_length=40)
    doi = forms.CharField(required=False, max_length=255)
    url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    licence = forms.ChoiceField(choices=Licence.choices, required=False)
    tags = forms.CharField(required=False, max_length=2000)
    regions = MultipleValueField(choices=Region.choices, required=False)
    countries = forms.CharField(required=False, max_length=2000)
    visibility = forms.ChoiceField(choices=Visibility.choices, required=False)
    group = forms.CharField(required=False, max_length=255)

    def __init__(self, *args, ris_type: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # The record's own type (RIS or CSL), named when it has no format.
        self.ris_type = ris_type
        self.fields["year"] = forms.IntegerField(
            required=False, min_value=1900, max_value=next_year()
        )

    def clean_language(self):
        value = (self.cleaned_data.get("language") or "en").strip()
        code = value.lower()
        code = LANGUAGE_ALIASES.get(code, code)
        if code in LANGUAGE_NAMES:
            return code
        by_name = {str(name).lower(): code for code, name in LANGUAGE_CHOICES}
        from django.conf.global_settings import LANGUAGES

        by_name.update({str(name).lower(): code for code, name in LANGUAGES})
        if code in by_name and by_name[code] in LANGUAGE_NAMES:
            return by_name[code]
        raise ValidationError(
            _("“%(value)s” is not a known language; use an ISO 639-1 code such as en.")
            % {"value": value}
        )

    def clean_doi(self):
        doi = normalise_doi(self.cleaned_data.get("doi", ""))
        if doi and not DOI_PATTERN.match(doi):
            raise ValidationError(
                _("“%(value)s” is not a DOI (10.xxxx/…).") % {"value": doi}
            )
        return doi

    def clean_countries(self):
        codes = [code.upper() for code in split_list(self.cleaned_data["countries"])]
        unknown = [code for code in codes if code not in dict(all_countries)]
        if unknown:
            raise ValidationError(
                _("unknown country codes: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        return codes

    def clean_group(self):
        slug = self.cleaned_data.get("group", "")
        if not slug:
            return None
        group = WorkingGroupPage.objects.filter(slug=slug).first()
        if group is None:
            raise ValidationError(
                _("no working group with the slug “%(slug)s”") % {"slug": slug}
            )
        return group

    def clean(self):
        cleaned = super().clean()
        if self.ris_type and not cleaned.get("format") and "format" in self.errors:
            self.errors.pop("format")
            self.add_error(
                None,
                _("RIS type “%(type)s” has no matching format")
                % {"type": self.ris_type},
            )
        date, year = cleaned.get("publication_date"), cleaned.get("year")
        if date and year and date.year != year:
            self.add_error("year", _("does not match the publication date"))
        if cleaned.get("visibility") == Visibility.MEMBERS and not cleaned.get("group"):
            self.add_error("visibility", _("members-only resources need a group"))
        return cleaned


def validation_error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            message if name == "__all__" else f"{name}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        )
    return "; ".join(error.messages)


def form_errors_text(form: forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        for error in errors:
            parts.append(error if name == "__all__" else f"{name}: {error}")
    return "; ".join(parts)


def portal_slug_from_url(url: str) -> str:
    """The slug in a link to one of this portal's resource pages
    (http://<our host>/knowledge/<slug>/), as its own RIS and CSL exports write
    for resources without a link of their own; "" for any other link."""
    parts = urlsplit(url or "")
    match = re.match(r"^/knowledge/([^/]+)/$", parts.path)
    if not match or match.group(1) in RESERVED_SLUGS or not parts.hostname:
        return ""
    site_host = urlsplit(settings.WAGTAILADMIN_BASE_URL or "").hostname
    if parts.hostname == site_host or validate_host(
        parts.hostname, settings.ALLOWED_HOSTS
    ):
        return match.group(1)
    return ""


def _format_candidates(ris_type: str, csl_type: str) -> set[str]:
    """Formats a record type is consistent with (RIS GEN: lessons, stories…)."""
    if ris_type:
        return {value for value, kind in RIS_TYPES.items() if kind == ris_type}
    if csl_type:
        return {value for value, kind in CSL_TYPES.items() if kind == csl_type}
    return set()


def validate_row(row: ImportRow, *, default_group=None) -> dict:
    """The row's cleaned values, or ValidationError with a readable reason."""
    if row.error:
        raise ValidationError(row.error)
    data = dict(row.data)
    ris_type = data.pop("ris_type", "")
    csl_type = data.pop("csl_type", "")
    data.setdefault("year", data.pop("publication_year", ""))
    portal_slug = portal_slug_from_url(data.get("url", ""))
    if portal_slug:
        data["url"] = ""
    form = ResourceImportForm(data, ris_type=ris_type or csl_type)
    if not form.is_valid():
        raise ValidationError(form_errors_text(form))
    cleaned = form.cleaned_data
    cleaned["portal_slug"] = portal_slug
    if row.partial:
        cleaned["provided"] = {name for name, value in data.items() if value}
        cleaned["format_candidates"] = _format_candidates(ris_type, csl_type)
    if cleaned["group"] is None:
        cleaned["group"] = default_group
    if cleaned.get("visibility") == Visibility.MEMBERS and cleaned["group"] is None:
        raise ValidationError(_("visibility: members-only resources need a group"))
    return cleaned


def import_rows(rows, *, user=None, default_group=None, dry_run=False, progress=None):
    """Validate and write each row in its own transaction: one bad row never
    leaves a half-written resource, nor stops the others. In a dry run every row
    is written and rolled back, so the report is exactly what a real run does."""
    from .services import resource_import_upsert

    report = ImportReport()
    for row in rows:
        try:
            cleaned = validate_row(row, default_group=default_group)
            with transaction.atomic():
                outcome = resource_import_upsert(data=cleaned, user=user)
                if dry_run:
                    transaction.set_rollback(True)
        except ValidationError as error:
            report.rejected.append((row.line, validation_error_text(error)))
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
        if progress is not None:
            progress.update(1)
    return report
