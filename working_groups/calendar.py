"""iCalendar (RFC 5545) output for events, with VTIMEZONE, SEQUENCE and STATUS."""

import hashlib
from datetime import timedelta

from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from icalendar import Calendar, Event

from portal.links import absolute_url, site_domain

PRODID = "-//EMIS Community of Practice//Events//EN"


def _url(event, request) -> str:
    """The event's public address, from SITE_URL (never the request's host)."""
    parts = event.get_url_parts(request)
    return absolute_url(parts[2]) if parts and parts[2] else ""


def _text(html: str) -> str:
    return " ".join(strip_tags(html or "").split())


def event_component(event, *, request=None) -> Event:
    vevent = Event()
    vevent.add("uid", f"event-{event.pk}@{site_domain()}")
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", event.start_local)
    vevent.add("dtend", event.end_local)
    vevent.add("summary", event.title)
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("categories", [event.event_type])
    if event.last_published_at:
        vevent.add("last-modified", event.last_published_at)
    if event.first_published_at:
        vevent.add("created", event.first_published_at)
    url = _url(event, request)
    if url:
        vevent.add("url", url)
    location = ", ".join(
        part for part in [event.venue, " ".join(event.address.split())] if part
    )
    if not location and event.online_url:
        location = event.online_url
    if location:
        vevent.add("location", location)
    description = [event.introduction, _text(event.description)]
    if event.online_url:
        description.append(f"Online: {event.online_url}")
    if event.cancelled and event.cancellation_note:
        description.insert(0, event.cancellation_note)
    if url:
        description.append(url)
    vevent.add("description", "\n\n".join(part for part in description if part))
    return vevent


def calendar_build(*, events, name: str, request=None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    first = last = None
    for event in events:
        calendar.add_component(event_component(event, request=request))
        first = min(first, event.start) if first else event.start
        last = max(last, event.end) if last else event.end
    if first is not None:
        calendar.add_missing_timezones(
            first_date=(first - timedelta(days=366)).date(),
            last_date=(last + timedelta(days=366)).date(),
        )
    return calendar.to_ical()


CALENDAR_CACHE_SECONDS = 900


# What an event's entry is made of (see event_component).
SHOWN_FIELDS = (
    "pk",
    "title",
    "slug",
    "url_path",
    "start",
    "end",
    "time_zone",
    "sequence",
    "cancelled",
    "cancellation_note",
    "event_type",
    "venue",
    "address",
    "online_url",
    "introduction",
    "description",
    "first_published_at",
    "last_published_at",
)


def _shown_values(events) -> list:
    """The shown fields of every event: one query of plain values for a query
    set (no pages built), read off the pages for a list."""
    if hasattr(events, "values_list"):
        return list(events.values_list(*SHOWN_FIELDS))
    return [[getattr(event, name) for name in SHOWN_FIELDS] for event in events]


def _calendar_cache_key(values: list, name: str) -> str:
    """Derived from everything the file shows: every field of every event that
    goes into it, the calendar's name, the language and the site's address. Any
    change makes a new key, so nothing needs purging (hashing the fields costs
    microseconds; rendering them costs a millisecond per event)."""
    from django.conf import settings
    from django.utils.translation import get_language

    digest = hashlib.sha256()
    for part in (name, get_language() or "", settings.SITE_URL):
        digest.update(f"{part}\x1f".encode())
    for row in values:
        digest.update(repr(list(row)).encode())
    return f"calendar:{digest.hexdigest()}"


def calendar_build_cached(*, events, name: str, request=None) -> bytes:
    """``calendar_build``, kept for a while: rendering (line folding above all)
    costs about a millisecond per event, and feeds are polled often."""
    from django.core.cache import cache

    key = _calendar_cache_key(_shown_values(events), name)
    body = cache.get(key)
    if body is None:
        body = calendar_build(events=list(events), name=name, request=request)
        cache.set(key, body, CALENDAR_CACHE_SECONDS)
    return body


def calendar_response(
    *, events, name: str, request, filename: str, private: bool = False
) -> HttpResponse:
    response = HttpResponse(
        calendar_build_cached(events=events, name=name, request=request),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{slugify(filename)}.ics"'
    # Calendars computed for a signed-in member must not be cached for others.
    response["Cache-Control"] = (
        "private, no-store" if private else "public, max-age=900"
    )
    if private:
        response["Vary"] = "Cookie"
    return response
