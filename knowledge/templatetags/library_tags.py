"""The library's repeated markup, written in Python: a resource card (twenty
on a page of the library, more on place pages) and a facet's options (about
sixty on /knowledge/). Through the template engine each cost about 40 times
more Python than the rest of the page per item (a variable lookup, escape and
localisation per field); the markup is the same as the templates had."""

import html

from django import template
from django.template.defaultfilters import truncatewords
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from ..vocabulary import Format, KnowledgeType, Level

register = template.Library()

# Catalogues do not change while a process runs: a text's translation is
# looked up once per language (gettext falls through several catalogues).
_TRANSLATED: dict[tuple, str] = {}
MEMBERS_ONLY = gettext_noop("Members only")
FEATURED = gettext_noop("Featured")
TAGS = gettext_noop("Tags")
ABOUT = gettext_noop("About %(name)s")


def _text(value) -> str:
    """A value as ``{{ value }}`` prints it (localised, escaped)."""
    if type(value) is str:  # plain text: what django.utils.html.escape does
        return html.escape(value)
    return conditional_escape(localize(value))


def _translated(message: str) -> str:
    """``gettext(message)`` escaped, remembered per language."""
    key = (get_language(), message)
    found = _TRANSLATED.get(key)
    if found is None:
        found = _TRANSLATED[key] = conditional_escape(gettext(message))
    return found


def _label(choices, value) -> str:
    """The escaped label of ``value`` in ``choices`` (the value itself when
    unknown), remembered per language."""
    key = (get_language(), choices, value)
    found = _TRANSLATED.get(key)
    if found is None:
        try:
            label = choices(value).label
        except ValueError:
            label = value
        found = _TRANSLATED[key] = conditional_escape(label)
    return found


@register.simple_tag
def resource_card(resource):
    """One resource card (``resource`` from knowledge.selectors.resource_cards:
    a ``CardRow`` or a page with the same ``card_*`` attributes)."""
    featured = resource.featured
    language = _text(resource.language)
    badges = [
        f'<span class="badge">{_label(Format, resource.format)}</span>',
        f'<span class="badge badge--{_text(resource.knowledge_type)}">'
        f"{_label(KnowledgeType, resource.knowledge_type)}</span>",
    ]
    if resource.is_members_only:
        badges.append(
            f'<span class="badge badge--private">{_translated(MEMBERS_ONLY)}</span>'
        )
    if featured:
        badges.append(
            f'<span class="badge badge--featured">{_translated(FEATURED)}</span>'
        )
    # Parts are separated by CSS (.meta-parts), so a missing part leaves no "·".
    meta = []
    organisations = resource.card_organisations
    if organisations:
        meta.append(
            "<span>"
            + ", ".join(_text(item.short_name) for item in organisations)
            + "</span>"
        )
    if resource.year:
        meta.append(f"<span>{_text(resource.year)}</span>")
    if resource.series_label:
        meta.append(f"<span>{_text(resource.series_label)}</span>")
    meta.append(f"<span>{_label(Level, resource.level)}</span>")
    if resource.language != "en":
        meta.append(f"<span>{_text(resource.language_name)}</span>")
    if resource.card_group_name:
        meta.append(f"<span>{_text(resource.card_group_name)}</span>")
    tags = ""
    if resource.card_tags:
        links = "".join(
            f'<li><a href="{_text(url)}">{_text(name)}</a></li>'
            for name, url in resource.card_tags
        )
        tags = (
            f'\n    <ul class="tag-list" aria-label="{_translated(TAGS)}">'
            f"{links}</ul>\n  "
        )
    summary = _text(truncatewords(resource.summary, 40))
    return mark_safe(
        f'\n<li class="resource-card{" resource-card--featured" if featured else ""}">'
        f'\n  <h3 class="resource-card__title" lang="{language}" dir="auto">'
        f'<a href="{_text(resource.card_url)}">{_text(resource.title)}</a></h3>'
        f'\n  <p class="resource-card__badges">\n    '
        + "\n    ".join(badges)
        + "\n  </p>"
        + '\n  <p class="meta meta-parts">\n    '
        + "".join(meta)
        + "\n  </p>"
        + f'\n  <p class="resource-card__summary" lang="{language}" dir="auto">'
        f"{summary}</p>\n  {tags}\n</li>\n"
    )


@register.simple_tag
def facet_options(facet):
    """The checkboxes of one facet (knowledge.library.library_facets), each
    with its count and, for a region or a country, a link to its page."""
    name = _text(facet["name"])
    about = _translated(ABOUT)
    items = []
    for number, option in enumerate(facet["options"], start=1):
        label = _text(option["label"])
        link = ""
        if option.get("url"):
            link = (
                f'<a class="facet-page" href="{_text(option["url"])}">'
                f"{about % {'name': label}}</a>"
            )
        checked = " checked" if option["selected"] else ""
        items.append(
            "\n                <li>"
            f'\n                  <input type="checkbox" id="f-{name}-{number}" '
            f'name="{name}" value="{_text(option["value"])}"{checked}>'
            f'\n                  <label for="f-{name}-{number}">{label} '
            f'<span class="count">({_text(option["count"])})</span></label>'
            f"\n                  {link}\n                </li>\n              "
        )
    return mark_safe("".join(items))
