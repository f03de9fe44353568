from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_transform(context, **kwargs):
    """The current query string with some parameters replaced (None removes one)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def page_window(page_obj) -> list[int]:
    """The page numbers a pagination bar links: the first, the last and two on
    each side of the current one (without looping over every page)."""
    last = page_obj.paginator.num_pages
    current = page_obj.number
    near = range(max(1, current - 2), min(last, current + 2) + 1)
    return sorted({1, last, *near})
