"""Posts are Markdown; whatever anyone types, the rendered HTML runs no script."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forums.markdown import (
    external_link_count,
    mentioned_usernames,
    quote_markdown,
    render_markdown,
)

XSS_PAYLOADS = [
    # script tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\x20type='text/javascript'>alert(1);</script>",
    "<<SCRIPT>alert('XSS');//<</SCRIPT>",
    '<script src="data:text/javascript,alert(1)"></script>',
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(document.cookie)">',
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    '<a href="https://example.org" onclick="alert(1)">click</a>',
    "<iframe onload=alert(1)></iframe>",
    "<form><button formaction=javascript:alert(1)>go</button></form>",
    '<p style="x" onclick=alert(1)>p</p>',
    # javascript: and data: URLs, raw
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    # SVG and MathML
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>"/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # broken markup and parser confusion
    "<img src=x onerror=alert(1)//",
    '<a href="x"<script>alert(1)</script>',
    "<<img src=x onerror=alert(1)>>",
    '"><script>alert(1)</script>',
    "</textarea><script>alert(1)</script>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<style>@import 'javascript:alert(1)';</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # Markdown link and image tricks
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![img](javascript:alert(1))",
    '![img](x" onerror="alert(1))',
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '[x](https://example.org "title" onclick="alert(1)")',
    "[a](https://example.org)<img src=x onerror=alert(1)>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "**<img src=x onerror=alert(1)>**",
    "> <svg onload=alert(1)>",
    "[<img src=x onerror=alert(1)>](https://example.org)",
]

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr",
    "img", "li", "ol", "p", "pre", "s", "span", "strong", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background"}


class MarkupCollector(HTMLParser):
    """What a browser would build from the HTML: real tags and attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.attributes = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)

    handle_startendtag = handle_starttag


def markup(html: str) -> MarkupCollector:
    collector = MarkupCollector()
    collector.feed(html)
    collector.close()
    return collector


def url_scheme(value: str) -> str:
    # Browsers ignore whitespace and control characters inside a scheme.
    cleaned = re.sub(r"[\x00-\x20]", "", unescape(value)).lower()
    return cleaned.split(":", 1)[0] if ":" in cleaned else ""


def assert_inert(html: str) -> None:
    found = markup(html)
    assert set(found.tags) <= ALLOWED_TAGS, html
    for _tag, name, value in found.attributes:
        assert not name.startswith("on"), html
        assert name != "style", html
        if name in URL_ATTRIBUTES:
            assert url_scheme(value) in {"", "http", "https", "mailto"}, html
    assert "<script" not in html.lower()


def test_the_corpus_is_large_enough():
    assert len(XSS_PAYLOADS) >= 50
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_known_xss_payload_renders_inert(payload):
    assert_inert(render_markdown(payload))


@pytest.mark.parametrize("payload", XSS_PAYLOADS[:20])
def test_payloads_stay_inert_inside_quotes_and_mentions(payload):
    quoted = quote_markdown(text=payload, author_name=payload, url="/forums/post/1/")
    assert_inert(render_markdown(quoted + "@" + payload))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=40),
            st.sampled_from(
                [
                    "<",
                    ">",
                    '"',
                    "'",
                    "=",
                    "on",
                    "onerror",
                    "onload=",
                    "javascript:",
                    "JaVaScRiPt:",
                    "&#106;",
                    "data:",
                    "<script",
                    "<img src=x ",
                    "<svg ",
                    "](",
                    "[x](",
                    "![y](",
                    ")",
                    "`",
                    "\n",
                    "> ",
                    "**",
                    "@",
                ]
            ),
        ),
        max_size=25,
    )
)
def test_rendered_output_never_carries_script(pieces):
    html = render_markdown("".join(pieces))
    found = markup(html)
    assert not any(name.startswith("on") for _tag, name, _value in found.attributes)
    assert "<script" not in html.lower()
    assert not any(
        url_scheme(value) in {"javascript", "vbscript", "data"}
        for _tag, name, value in found.attributes
        if name in URL_ATTRIBUTES
    )


def test_markdown_features_survive_sanitising():
    html = render_markdown(
        "# Heading\n\n**bold** *it* ~~old~~ `code`\n\n> quoted\n\n"
        "- one\n- two\n\n[site](https://example.org) ![chart](https://example.org/c.png)"
    )
    assert "<h3>Heading</h3>" in html  # posts sit under the page's h1 and h2
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html
    assert "<s>old</s>" in html or "<del>old</del>" in html
    assert "<code>code</code>" in html
    assert "<blockquote>" in html and "<li>one</li>" in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener">site</a>' in html
    assert '<img src="https://example.org/c.png" alt="chart">' in html


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("I like <b>bold</b> & <i>italics</i>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>" not in html


def test_every_link_gets_nofollow_ugc_noopener():
    html = render_markdown("<https://a.example> and [b](http://b.example/x?y=1)")
    assert html.count('rel="nofollow ugc noopener"') == 2


def test_mentions_are_marked_and_collected_but_not_in_code_or_emails():
    text = "Thanks @amina and @carlos_m. Mail me at someone@example.org `@notme`"
    assert mentioned_usernames(text) == {"amina", "carlos_m"}
    assert '<span class="mention">@amina</span>' in render_markdown(text)


def test_external_links_are_counted_for_rate_limits():
    html = render_markdown(
        "[a](https://a.example) [b](/knowledge/) ![c](https://c.example/i.png) "
        "<https://d.example>"
    )
    assert external_link_count(html) == 3
