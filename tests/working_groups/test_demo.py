"""The working-groups step of the demo: events of several types, curated by group
1's moderator, one members-only, one cancelled; a join request waiting."""

from django.utils import timezone

import portal.demo
import working_groups.demo
from working_groups.models import (
    EventIndexPage,
    EventPage,
    EventRegistration,
    Membership,
    MembershipAuditEntry,
    Visibility,
)


def load_steps():
    context = portal.demo.DemoContext(write=lambda text: None)
    portal.demo.load(context)
    working_groups.demo.load(context)
    return context


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            EventPage,
            EventRegistration,
            Membership,
            MembershipAuditEntry,
            EventIndexPage,
        )
    }


def test_demo_events_and_memberships_load_once(db):
    context = load_steps()
    first = counts()

    load_steps()

    assert counts() == first
    index = EventIndexPage.objects.get()
    assert index.url == "/events/"
    events = EventPage.objects.live()
    now = timezone.now()
    assert len({event.event_type for event in events}) >= 5
    assert events.filter(end__lt=now).exists() and events.filter(start__gt=now).exists()
    assert events.filter(visibility=Visibility.MEMBERS).count() == 1
    assert events.filter(cancelled=True).count() == 1
    group_one = context.objects["groups"][0]
    curated = events.filter(group=group_one, featured=True)
    assert curated.exists()
    assert {event.live_revision.user for event in curated} == {
        context.users["moderator"]
    }
    past_webinar = events.get(slug="open-source-emis-platforms-webinar")
    assert past_webinar.materials.get().resource.live
    assert Membership.objects.filter(
        group=group_one, status=Membership.Status.PENDING
    ).exists()
