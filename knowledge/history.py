"""What changed between two published versions of a resource, for its public
history: a word diff of the fields readers see, read from Wagtail revisions.
Only the fields listed here are compared, so moderation (workflow comments,
the admin's comment threads) can never leak into it."""

import difflib
import json
import re
from html import unescape

from django.utils.html import strip_tags

# The fields a reader sees on the resource page, in the page's order.
DIFFED_FIELDS = [
    "title",
    "introduction",
    "authors",
    "format",
    "knowledge_type",
    "level",
    "language",
    "visibility",
    "publication_year",
    "series",
    "series_number",
    "doi",
    "external_url",
    "licence",
    "regions",
    "countries",
    "lesson_context",
    "lesson_challenge",
    "lesson_action",
    "lesson_result",
    "lesson_learned",
    "lesson_recommendation",
    "lesson_contact",
    "body",
]


def _strings(value):
    """Every string inside a serialised StreamField value, in order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("id", "type"):
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def field_text(name: str, value) -> str:
    """A field of a revision's content as the plain text a reader sees."""
    if value is None:
        return ""
    if name == "body":
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        value = " ".join(_strings(value))
    elif isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    text = unescape(strip_tags(str(value)))
    return re.sub(r"\s+", " ", text).strip()


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """(operation, text) pieces: 'equal', 'delete' or 'insert', word by word."""
    old, new = before.split(), after.split()
    pieces = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            pieces.append(("equal", " ".join(old[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("delete", " ".join(old[a1:a2])))
        if b2 > b1:
            pieces.append(("insert", " ".join(new[b1:b2])))
    return pieces


def revision_changes(previous: dict | None, current: dict, *, labels: dict) -> list:
    """The fields that differ between two revisions' content, each with its
    label and word diff. ``previous`` None (the first version): nothing."""
    if previous is None:
        return []
    changes = []
    for name in DIFFED_FIELDS:
        before = field_text(name, previous.get(name))
        after = field_text(name, current.get(name))
        if before != after:
            changes.append(
                {
                    "field": name,
                    "label": labels.get(name, name),
                    "diff": word_diff(before, after),
                }
            )
    return changes
