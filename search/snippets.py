"""Snippets that read like text, whatever backend made them.

Backends return highlighted fragments (``MARK_START``/``MARK_END`` around the
matched words) joined by "…". Before a visitor sees them: fragments that repeat
or overlap another are dropped or merged, the title is not repeated, Markdown markup is shown as the text it marks up, and
what is left is joined by " … ".
"""

from __future__ import annotations

import re

from .documents import MARK_END, MARK_START

ELLIPSIS = "…"
_MARKS = re.compile(f"[{MARK_START}{MARK_END}]")
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"\w+", re.UNICODE)

# Markdown markup as a reader would see it rendered (the text only). Markers of
# highlights may sit inside the markup, so patterns allow them.
_M = f"[{MARK_START}{MARK_END}]*"
_MARKDOWN = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: their alt text
    (re.compile(r"\[([^\]]+)\]\((?:[^)\s]+)(?:\s+\"[^\"]*\")?\)"), r"\1"),  # links
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # em
    (re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=\S)_(?![\w_])"), r"\1"),  # em
    (re.compile(r"`{1,3}([^`]*)`{1,3}"), r"\1"),  # code
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),  # strikethrough
    (re.compile(rf"(^|\n|\s{{2,}}|[.!?:]\s+){_M}#{{1,6}}\s+"), r"\1"),  # headings
    (re.compile(r"(^|\n)\s{0,3}>\s?"), r"\1"),  # quotes
    (re.compile(r"(^|\n)\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+"), r"\1"),  # list items
    (re.compile(r"(^|\n)\s{0,3}(?:[-*_]\s*){3,}(?=\n|$)"), r"\1"),  # rules
]


# What each pattern needs in the text to match at all: a pattern whose
# characters are absent is not run (most snippets have no markup).
_NEEDS = [
    re.compile(r"!\["),
    re.compile(r"\]\("),
    re.compile(r"\*\*|__"),
    re.compile(r"\*"),
    re.compile(r"_"),
    re.compile(r"`"),
    re.compile(r"~~"),
    re.compile(r"#"),
    re.compile(r">"),
    re.compile(r"[-*+]|\d[.)]"),
    re.compile(r"[-*_]"),
]


def strip_markdown(text: str) -> str:
    """Markdown markup removed, its text kept (links keep their words)."""
    if not text:
        return ""
    for (pattern, replacement), needs in zip(_MARKDOWN, _NEEDS, strict=True):
        if needs.search(text):
            text = pattern.sub(replacement, text)
    return text


def _plain(text: str) -> str:
    # str.split() splits on what \s matches; replace() is faster than a regex.
    return " ".join(
        text.replace(MARK_START, "").replace(MARK_END, "").split()
    ).casefold()


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.replace(MARK_START, "").replace(MARK_END, "").casefold())


def _overlap(previous: list[str], current: list[str]) -> int:
    """How many words at the start of ``current`` end ``previous`` (≥ 3)."""
    for size in range(min(len(previous), len(current)), 2, -1):
        if previous[-size:] == current[:size]:
            return size
    return 0


def _without_leading_title(fragment: str, title: str) -> str:
    title_words = _words(title)
    if not title_words:
        return fragment
    if _words(fragment)[: len(title_words)] != title_words:
        return fragment
    # Skip as many words of the fragment (markers included) as the title has.
    position = 0
    for _ in title_words:
        match = _WORDS.search(fragment, position)
        if match is None:
            return ""
        position = match.end()
    rest = fragment[position:]
    # Keep a closing marker that belonged to the last title word.
    if rest.startswith(MARK_END):
        rest = rest[1:]
    rest = rest.lstrip(" .:;,-–—\n")
    return rest


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _without_repeated_sentences(fragments: list[str]) -> list[str]:
    """A sentence already shown (in this fragment or an earlier one) is dropped."""
    seen: list[str] = []
    kept = []
    for fragment in fragments:
        sentences = []
        for sentence in _SENTENCE_END.split(fragment):
            words = f" {' '.join(_words(sentence))} "
            # Repeated whole, or its beginning cut off by the fragment's end.
            if len(words.split()) >= 3 and any(words in other for other in seen):
                continue
            seen.append(words)
            sentences.append(sentence)
        kept.append(" ".join(sentences))
    return kept


def clean_snippet(snippet: str, title: str = "") -> str:
    """The snippet as a reader should see it (markers kept, see module doc)."""
    if not snippet:
        return ""
    snippet = strip_markdown(snippet)
    raw = re.split(r"\s*(?:…|\.\.\.)\s*", snippet)
    pieces = _without_repeated_sentences(
        [_SPACES.sub(" ", part).strip() for part in raw]
    )
    kept: list[str] = []
    kept_words: list[list[str]] = []
    title_plain = _plain(title)
    for fragment in pieces:
        if title:
            fragment = _without_leading_title(fragment, title)
        words = _words(fragment)
        if not words or _plain(fragment) == title_plain:
            continue
        joined = " ".join(words)
        if any(joined in " ".join(other) for other in kept_words):
            continue  # repeats (part of) a fragment already shown
        # A fragment containing an earlier one replaces it.
        for position in range(len(kept_words) - 1, -1, -1):
            if " ".join(kept_words[position]) in joined:
                del kept[position], kept_words[position]
        if kept_words:
            size = _overlap(kept_words[-1], words)
            if size:
                # Continue the previous fragment instead of repeating its end.
                position = 0
                for _ in range(size):
                    match = _WORDS.search(fragment, position)
                    position = match.end() if match else len(fragment)
                rest = fragment[position:]
                if rest.startswith(MARK_END):
                    rest = rest[1:]
                kept[-1] = f"{kept[-1]}{rest}"
                kept_words[-1] = kept_words[-1] + words[size:]
                continue
        kept.append(fragment)
        kept_words.append(words)
    return f" {ELLIPSIS} ".join(kept)
