"""Language links and marks for templates: hreflang alternates for every page,
and the ``lang`` of database text written in another language than the page."""

from urllib.parse import unquote, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join

register = template.Library()


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _translations(path: str, codes) -> list[str]:
    """``path`` in each language of ``codes``: what ``translate_url`` answers
    for each, from one resolve (it resolves the path again for every
    language) and a reverse per language."""
    parsed = urlsplit(path)
    try:
        match = resolve(unquote(parsed.path))
    except Resolver404:
        return [path for _code in codes]
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    urls = []
    for code in codes:
        with translation.override(code):
            try:
                url = reverse(name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                urls.append(path)
                continue
        urls.append(urlunsplit((parsed.scheme, parsed.netloc, url, *parsed[3:])))
    return urls


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """<link rel="alternate" hreflang=...> for this page in every language."""
    request = context.get("request")
    if request is None:
        return ""
    codes = [code for code, _name in settings.LANGUAGES]
    urls = _translations(request.get_full_path(), [*codes, settings.LANGUAGE_CODE])
    links = [
        (code, _absolute(url))
        for code, url in zip([*codes, "x-default"], urls, strict=True)
    ]
    return format_html_join(
        "\n  ",
        '<link rel="alternate" hreflang="{}" href="{}">',
        links,
    )


@register.simple_tag
def lang_attr(language_code):
    """` lang="xx"` when text in ``language_code`` sits on a page in another
    language (nothing when they match or the code is unknown)."""
    if not language_code:
        return ""
    page = translation.get_language() or settings.LANGUAGE_CODE
    if page.split("-")[0] == str(language_code).split("-")[0]:
        return ""
    return format_html(' lang="{}"', language_code)


@register.filter
def translated(value):
    """Text the portal wrote into the database in English from its own
    catalogue (the home page's title, the Community forum's name, an index
    page's title), shown in the reader's language; other text unchanged."""
    if not value:
        return value
    return translation.gettext(str(value))


@register.simple_tag
def page_text(page, field):
    """``page``'s ``field`` in the reader's language when a translation was
    written (PageTextTranslation), else the page's own text."""
    original = getattr(page, field, "")
    language = translation.get_language() or settings.LANGUAGE_CODE
    if page is None or language == settings.LANGUAGE_CODE:
        return original
    cache = page.__dict__.setdefault("_text_translations", {})
    if language not in cache:
        from ..models import PageTextTranslation

        cache[language] = dict(
            PageTextTranslation.objects.filter(
                page_id=page.pk, language=language
            ).values_list("field", "text")
        )
    return cache[language].get(field) or original


# How each language separates the items of a list ("a, b" / "a، b" / "a、b").
LIST_SEPARATORS = {"ar": "، ", "zh-hans": "、"}


@register.filter
def local_join(items):
    """Join a list with the active language's list separator."""
    separator = LIST_SEPARATORS.get(translation.get_language() or "", ", ")
    return separator.join(str(getattr(item, "name", item)) for item in items)


@register.simple_tag
def list_separator():
    """The active language's separator between list items."""
    return LIST_SEPARATORS.get(translation.get_language() or "", ", ")
