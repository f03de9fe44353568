from django import template

from knowledge.vocabulary import LANGUAGE_NAMES

from ..vocabulary import expertise_label

register = template.Library()


@register.filter
def expertise_items(profile) -> list[tuple[str, str]]:
    """(slug, label) of a profile's expertise, vocabulary terms translated."""
    return sorted(
        (
            (item.tag.slug, expertise_label(item.tag.slug, item.tag.name))
            for item in profile.tagged_items.all()
        ),
        key=lambda pair: pair[1].lower(),
    )


@register.filter
def language_names(profile) -> str:
    return ", ".join(
        str(LANGUAGE_NAMES.get(code, code)) for code in profile.languages_spoken or []
    )
