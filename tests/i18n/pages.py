"""What a reader sees of the interface on a page: its text nodes and the
attributes read aloud or shown (placeholder, aria-label, title, alt, value),
leaving out scripts, user text (marked ``dir="auto"``) and anything marked with
another language than the page's (an English resource title on a French page)."""

import re
from html.parser import HTMLParser

from .catalogues import PLACEHOLDER

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "source", "track", "wbr",
}  # fmt: skip
SHOWN_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")


class InterfaceText(HTMLParser):
    def __init__(self, page_language: str):
        super().__init__(convert_charrefs=True)
        self.page_language = page_language.split("-")[0]
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from the check)
        self.texts: list[str] = []
        self.html_lang = None
        self.html_dir = None

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang, self.html_dir = attrs.get("lang"), attrs.get("dir")
        lang = (attrs.get("lang") or "").split("-")[0]
        hidden = (
            self._hidden()
            or tag in ("script", "style", "option", "textarea")
            or bool(lang and lang != self.page_language)
            or attrs.get("dir") == "auto"  # user text, in its author's language
        )
        if not hidden:
            for name in SHOWN_ATTRIBUTES:
                if attrs.get(name):
                    self.texts.append(" ".join(attrs[name].split()))
            if tag == "input" and attrs.get("type") in ("submit", "button"):
                self.texts.append(" ".join((attrs.get("value") or "").split()))
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._hidden():
            self.texts.append(text)


def interface_text(html: str, page_language: str) -> InterfaceText:
    parser = InterfaceText(page_language)
    parser.feed(html)
    return parser


def msgid_pattern(msgid: str) -> re.Pattern:
    """The English text as it would appear on a page, placeholders filled."""
    parts = PLACEHOLDER.split(" ".join(msgid.split()))
    return re.compile(".+?".join(re.escape(part) for part in parts))
