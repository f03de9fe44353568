"""Events are Wagtail pages: site-wide under /events/, or below their working group."""

from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from portal.demo import home_page_get_or_create
from working_groups.models import EventIndexPage, EventPage, EventRegistration

from .pages import publish_child
from .users import UserFactory


def event_index_get_or_create() -> EventIndexPage:
    index = EventIndexPage.objects.first()
    if index is None:
        index = publish_child(
            home_page_get_or_create(), EventIndexPage(title="Events", slug="events")
        )
    return index


def _next_week():
    start = timezone.now() + timedelta(days=7)
    return start.replace(hour=14, minute=0, second=0, microsecond=0)


class EventFactory(factory.Factory):
    """``EventFactory(group=some_group)`` puts the event below its group;
    without a group it is site-wide. The event index always exists."""

    class Meta:
        model = EventPage

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    introduction = "An event of the community."
    event_type = "webinar"
    start = factory.LazyFunction(_next_week)
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=2))
    time_zone = "UTC"
    online_url = "https://meet.example.org/emis"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        group = kwargs.pop("group", None)
        tags = kwargs.pop("tags", [])
        index = event_index_get_or_create()
        event = model_class(*args, **kwargs)
        if tags:
            event.tags.add(*tags)
        return publish_child(group or index, event)


class EventRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventRegistration

    event = None  # always pass an EventPage
    user = factory.SubFactory(UserFactory)
    status = EventRegistration.Status.GOING
    status_changed_at = factory.LazyFunction(timezone.now)
