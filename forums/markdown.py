"""Posts are written in Markdown, rendered with markdown-it-py and sanitised by nh3.

Two locks on the door: markdown-it never passes raw HTML through (``html`` is off),
and nh3 then keeps only an allow-list of tags, attributes and URL schemes, so
nothing in a post can run script. Links get ``rel="nofollow ugc noopener"``.
"""

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

MENTION_RE = re.compile(r"(?<![\w@/])@([A-Za-z0-9_.+-]*[A-Za-z0-9_])")
LINK_REL = "nofollow ugc noopener"

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
ALLOWED_CLASSES = {"span": {"mention"}}
URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=URL_SCHEMES,
    link_rel=LINK_REL,
    strip_comments=True,
)


def _render_text(self, tokens, idx, options, env):
    """Plain text, with @mentions wrapped and collected in ``env``."""
    text = escapeHtml(tokens[idx].content)

    def mention(match):
        env.setdefault("mentions", set()).add(match.group(1))
        return f'<span class="mention">@{match.group(1)}</span>'

    return MENTION_RE.sub(mention, text)


def _render_heading_open(self, tokens, idx, options, env):
    # A post lives under the page's h1 and the thread's h2: # becomes h3.
    level = min(int(tokens[idx].tag[1]) + 2, 6)
    return f"<h{level}>"


def _render_heading_close(self, tokens, idx, options, env):
    level = min(int(tokens[idx].tag[1]) + 2, 6)
    return f"</h{level}>\n"


def _build_parser() -> MarkdownIt:
    # Bare URLs become links (linkify), so the newcomer link limit counts them
    # like any written link; "fuzzy" links without a scheme (example.org) stay text.
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": True})
    md.enable(["table", "strikethrough", "linkify"])
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    md.add_render_rule("text", _render_text)
    md.add_render_rule("heading_open", _render_heading_open)
    md.add_render_rule("heading_close", _render_heading_close)
    return md


_parser = _build_parser()


def sanitise_html(html: str) -> str:
    return _cleaner.clean(html)


def render(text: str) -> tuple[str, set[str]]:
    """Safe HTML for ``text`` and the usernames it @mentions."""
    env: dict = {}
    html = _parser.render(text or "", env)
    return sanitise_html(html), set(env.get("mentions", ()))


def render_markdown(text: str) -> str:
    return render(text)[0]


def mentioned_usernames(text: str) -> set[str]:
    return render(text)[1]


_EXTERNAL_LINK_RE = re.compile(r"""<(?:a|img)\b[^>]*?(?:href|src)="(?:https?:)?//""")


def external_link_count(html: str) -> int:
    """Links and images in rendered HTML that point off the site."""
    return len(_EXTERNAL_LINK_RE.findall(html))


def quote_markdown(*, text: str, author_name: str, url: str) -> str:
    """A Markdown block quoting ``text``, crediting its author and linking back."""
    lines = (text or "").strip().splitlines() or [""]
    quoted = "\n".join(f"> {line}" if line else ">" for line in lines)
    return f"> **{author_name}** [wrote]({url}):\n>\n{quoted}\n\n"


def plain_excerpt(html: str, length: int = 200) -> str:
    """Text of rendered HTML, for emails, feeds and listings."""
    text = nh3.clean(html, tags=set())
    text = re.sub(r"\s+", " ", text).strip()
    from html import unescape

    text = unescape(text)
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
