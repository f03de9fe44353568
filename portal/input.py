"""The one boundary where text enters the portal.

Control characters have no business in a URL, a query parameter or a form
field: PostgreSQL refuses NUL outright (a 500), CR/LF smuggle mail headers, and
the rest corrupt what others see. :class:`ControlCharacterMiddleware` removes
them from every query parameter and form field before any view runs (tabs and
line breaks stay in form fields, where multi-line text is legitimate), and
answers 404 for a path that contains one, since no page has such a name.

Names people choose for themselves are stricter still: see
:func:`validate_person_name` (no line breaks, no bidirectional overrides that
make "gpj.exe" read "exe.jpg").
"""

import re

from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.utils.translation import gettext_lazy as _

# C0 controls, DEL and C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The same, but keeping tab, line feed and carriage return (multi-line fields).
CONTROL_CHARACTERS_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates, and the line/paragraph
# separators that act as line breaks.
BIDI_CONTROLS = re.compile(
    r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]"
)


def strip_control_characters(value: str, *, keep_lines: bool = False) -> str:
    pattern = CONTROL_CHARACTERS_EXCEPT_LINES if keep_lines else CONTROL_CHARACTERS
    return pattern.sub("", value)


def _cleaned(query: QueryDict, *, keep_lines: bool) -> QueryDict | None:
    """A cleaned copy of ``query``, or None when nothing needed cleaning."""
    dirty = any(
        CONTROL_CHARACTERS.search(key)
        or any(
            isinstance(value, str)
            and (
                CONTROL_CHARACTERS_EXCEPT_LINES if keep_lines else CONTROL_CHARACTERS
            ).search(value)
            for value in values
        )
        for key, values in query.lists()
    )
    if not dirty:
        return None
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(
            strip_control_characters(key),
            [
                strip_control_characters(value, keep_lines=keep_lines)
                if isinstance(value, str)
                else value
                for value in values
            ],
        )
    cleaned._mutable = False
    return cleaned


class ControlCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cleaned = _cleaned(request.GET, keep_lines=False)
        if cleaned is not None:
            request.GET = cleaned
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Here rather than in __call__: the 404 page needs request.user, which
        # the authentication middleware sets after this one.
        if CONTROL_CHARACTERS.search(request.path_info):
            raise Http404
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            cleaned = _cleaned(request.POST, keep_lines=True)
            if cleaned is not None:
                request.POST = cleaned
        return None


def validate_person_name(value: str) -> None:
    """A name shown to others and used in email: printable text on one line."""
    if CONTROL_CHARACTERS.search(value) or BIDI_CONTROLS.search(value):
        raise ValidationError(
            _("Use printable characters only, on one line."), code="control"
        )


def header_safe(text: str) -> str:
    """``text`` fit for a mail header (subject, display name): one line, no
    control or bidirectional characters. Every subject passes through it, so a
    name typed before names were checked cannot break or forge headers."""
    text = BIDI_CONTROLS.sub("", str(text))
    return " ".join(CONTROL_CHARACTERS.sub(" ", text).split())
