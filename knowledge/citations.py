"""BibTeX, RIS and CSL-JSON for one resource or a list: what reference managers
import."""

import json
import re
import unicodedata
from collections.abc import Iterable

import rispy

from .vocabulary import BIBTEX_TYPES, CSL_TYPES, RIS_TYPES, Format

BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
BIBTEX_ESCAPE = re.compile("|".join(re.escape(char) for char in BIBTEX_SPECIAL))
TITLE_STOP_WORDS = {"a", "an", "the", "of", "on", "in", "for", "and", "to", "la", "le"}


def bibtex_escape(text: str) -> str:
    text = " ".join(str(text).split())
    return BIBTEX_ESCAPE.sub(lambda match: BIBTEX_SPECIAL[match.group(0)], text)


def _ascii_word(text: str) -> str:
    normalised = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", normalised.lower())


def _organisations(resource) -> list:
    """The resource's publishers: read in bulk for a list export (see
    ``selectors.resource_list_for_citation``), else through the relation."""
    loaded = resource.__dict__.get("citation_organisations")
    return loaded if loaded is not None else list(resource.organisations.all())


def tag_names(resource) -> list[str]:
    loaded = resource.__dict__.get("citation_tags")
    if loaded is not None:
        return sorted(loaded)
    return sorted(tag.name for tag in resource.tags.all())


def publisher_names(resource) -> list[str]:
    return [organisation.name for organisation in _organisations(resource)]


def cite_key(resource) -> str:
    """family name (or publisher) + year + first significant title word."""
    if resource.author_list:
        who = resource.author_list[0].split(",")[0]
    else:
        organisations = _organisations(resource)
        who = organisations[0].short_name if organisations else ""
    words = [
        _ascii_word(word)
        for word in resource.title.split()
        if _ascii_word(word) and _ascii_word(word) not in TITLE_STOP_WORDS
    ]
    key = f"{_ascii_word(who)}{resource.year or ''}{words[0] if words else ''}"
    return key or f"resource{resource.pk}"


def resource_link(resource, base_url: str = "") -> str:
    """Where a reader finds the resource: its own link, else its library page."""
    if resource.external_url:
        return resource.external_url
    parts = resource.get_url_parts()
    if parts and parts[2]:
        return base_url.rstrip("/") + parts[2]
    return ""


def bibtex_entry(resource, *, base_url: str = "", key: str = "") -> str:
    entry_type = BIBTEX_TYPES.get(resource.format, "misc")
    publishers = publisher_names(resource)
    fields: list[tuple[str, str]] = [
        ("title", "{" + bibtex_escape(resource.title) + "}")
    ]
    if resource.author_list:
        fields.append(
            (
                "author",
                " and ".join(bibtex_escape(name) for name in resource.author_list),
            )
        )
    elif publishers:
        # A corporate author, in braces so BibTeX does not split it into names.
        fields.append(("author", "{" + bibtex_escape(publishers[0]) + "}"))
    if resource.year:
        fields.append(("year", str(resource.year)))
    if resource.publication_date:
        fields.append(("month", resource.publication_date.strftime("%b").lower()))
    publisher_field = {
        "techreport": "institution",
        "book": "publisher",
        "misc": "publisher",
        "inproceedings": "publisher",
        "article": "publisher",
    }[entry_type]
    if publishers:
        fields.append(
            (publisher_field, " and ".join(bibtex_escape(name) for name in publishers))
        )
    if resource.series:
        series_field = {"article": "journal", "inproceedings": "booktitle"}.get(
            entry_type, "series"
        )
        fields.append((series_field, bibtex_escape(resource.series)))
    if resource.series_number:
        fields.append(("number", bibtex_escape(resource.series_number)))
    if entry_type == "misc":
        fields.append(("howpublished", bibtex_escape(resource.get_format_display())))
    if resource.doi:
        fields.append(("doi", resource.doi))
    link = resource_link(resource, base_url)
    if link:
        fields.append(("url", link))
    fields.append(("language", resource.language))
    keywords = tag_names(resource)
    if keywords:
        fields.append(("keywords", bibtex_escape(", ".join(keywords))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{key or cite_key(resource)},\n{body}\n}}\n"


def _unique_keys(resources: list) -> list[str]:
    seen: dict[str, int] = {}
    keys = []
    for resource in resources:
        key = cite_key(resource)
        count = seen.get(key, 0)
        seen[key] = count + 1
        keys.append(key if count == 0 else f"{key}{chr(ord('a') + count - 1)}")
    return keys


def bibtex(resources: Iterable, *, base_url: str = "") -> str:
    resources = list(resources)
    return "\n".join(
        bibtex_entry(resource, base_url=base_url, key=key)
        for resource, key in zip(resources, _unique_keys(resources), strict=True)
    )


def ris_record(resource, *, base_url: str = "") -> dict:
    record = {
        "type_of_reference": RIS_TYPES.get(resource.format, "GEN"),
        "title": " ".join(resource.title.split()),
    }
    if resource.author_list:
        record["authors"] = resource.author_list
    if resource.year:
        record["year"] = str(resource.year)
    if resource.publication_date:
        record["date"] = resource.publication_date.strftime("%Y/%m/%d")
    publishers = publisher_names(resource)
    if publishers:
        record["publisher"] = "; ".join(publishers)
    if resource.series:
        key = (
            "secondary_title" if resource.format == Format.ARTICLE else "tertiary_title"
        )
        record[key] = resource.series
    if resource.series_number:
        record["number"] = resource.series_number
    if resource.summary:
        record["abstract"] = " ".join(resource.summary.split())
    keywords = tag_names(resource)
    if keywords:
        record["keywords"] = keywords
    record["language"] = resource.language
    if resource.doi:
        record["doi"] = resource.doi
    link = resource_link(resource, base_url)
    if link:
        record["urls"] = [link]
    return record


class PlainRisWriter(rispy.RisWriter):
    """Standard RIS: records without rispy's "1." numbering lines."""

    def set_header(self, count):
        return ""


def ris(resources: Iterable, *, base_url: str = "") -> str:
    records = [ris_record(resource, base_url=base_url) for resource in resources]
    return rispy.dumps(records, implementation=PlainRisWriter)


def csl_name(name: str) -> dict:
    """ "Family, Given" as a CSL name; anything else (an institution) as literal."""
    family, comma, given = name.partition(",")
    if comma and family.strip() and given.strip():
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": name.strip()}


def csl_item(resource, *, base_url: str = "", key: str = "") -> dict:
    """One CSL-JSON item (the format of citeproc, Zotero and Mendeley)."""
    item = {
        "id": key or cite_key(resource),
        "type": CSL_TYPES.get(resource.format, "document"),
        "title": " ".join(resource.title.split()),
    }
    if resource.author_list:
        item["author"] = [csl_name(name) for name in resource.author_list]
    publishers = publisher_names(resource)
    if publishers:
        item["publisher"] = "; ".join(publishers)
    if resource.publication_date:
        date = resource.publication_date
        item["issued"] = {"date-parts": [[date.year, date.month, date.day]]}
    elif resource.year:
        item["issued"] = {"date-parts": [[resource.year]]}
    if resource.series:
        item["collection-title"] = resource.series
    if resource.series_number:
        item["collection-number"] = resource.series_number
    if resource.summary:
        item["abstract"] = " ".join(resource.summary.split())
    keywords = tag_names(resource)
    if keywords:
        item["keyword"] = "; ".join(keywords)
    item["language"] = resource.language
    if resource.doi:
        item["DOI"] = resource.doi
    link = resource_link(resource, base_url)
    if link:
        item["URL"] = link
    return item


def csl_json(resources: Iterable, *, base_url: str = "") -> str:
    resources = list(resources)
    items = [
        csl_item(resource, base_url=base_url, key=key)
        for resource, key in zip(resources, _unique_keys(resources), strict=True)
    ]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def citation_text(resource) -> str:
    """A plain reference, author-date style, for the "cite this" block."""
    publishers = publisher_names(resource)
    who = "; ".join(resource.author_list) or ", ".join(publishers)
    parts = []
    if who:
        parts.append(f"{who} ({resource.year or 'n.d.'}).")
    elif resource.year:
        parts.append(f"({resource.year}).")
    parts.append(f"{resource.title}.")
    if resource.series_label:
        parts.append(f"{resource.series_label}.")
    if publishers and resource.author_list:
        parts.append(f"{', '.join(publishers)}.")
    if resource.doi:
        parts.append(resource.doi_url)
    elif resource.external_url:
        parts.append(resource.external_url)
    return " ".join(str(part) for part in parts)
