from django import template

from knowledge.vocabulary import Region

register = template.Library()


@register.filter
def region_label(slug: str) -> str:
    return str(dict(Region.choices).get(slug, slug))
