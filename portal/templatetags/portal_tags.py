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


# One date style across the site: every template formats dates through these.
DATE_STYLES = {
    "date": "j M Y",
    "long": "j F Y",
    "datetime": "j M Y, H:i",
    # An event's start, with the day of the week people plan by.
    "event": "D j M Y, H:i",
    "event_long": "l j F Y, H:i",
}


@register.filter(expects_localtime=True)
def portal_date(value, style="date"):
    """A date (or date and time) in the site's one style: ``1 Dec 2026`` or
    ``1 Dec 2026, 14:00`` (in the current time zone, as Django's date filter)."""
    from django.template.defaultfilters import date

    if not value:
        return ""
    return date(value, DATE_STYLES.get(style, DATE_STYLES["date"]))


@register.filter
def ago(value):
    """How long ago, with plurals, and "just now" under a minute (never "0
    minutes ago")."""
    from django.utils import timezone
    from django.utils.timesince import timesince
    from django.utils.translation import gettext

    if not value:
        return ""
    now = timezone.now()
    if (now - value).total_seconds() < 60:
        return gettext("just now")
    return gettext("%(time)s ago") % {"time": timesince(value, now, depth=1)}
