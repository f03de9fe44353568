"""Events: Wagtail pages under a working group (its moderators curate them) or
site-wide under /events/, always served at /events/<slug>/."""

import zoneinfo
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from portal.models import BasePage

from ..widgets import TimeZoneInput
from .groups import Visibility, WorkingGroupPage


class EventType(models.TextChoices):
    WEBINAR = "webinar", _("Webinar")
    CONFERENCE = "conference", _("Conference")
    SYMPOSIUM = "symposium", _("Symposium")
    WORKSHOP = "workshop", _("Workshop")
    TRAINING = "training", _("Training")
    FORUM_MEETING = "forum-meeting", _("Forum meeting")


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """IANA zone names people choose from (no legacy aliases such as 'EST5EDT')."""
    names = {
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    }
    return tuple(sorted(names | {"UTC"}))


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            _(
                "“%(value)s” is not a known time zone. Use an IANA name such as "
                "Europe/Paris, Africa/Nairobi or America/Bogota."
            ),
            code="invalid_time_zone",
            params={"value": value},
        )


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


class EventIndexPage(BasePage):
    """/events/: upcoming events, and the canonical home of every event's URL."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["working_groups.EventPage"]
    max_count = 1
    per_page = 12

    class Meta:
        verbose_name = _("event index")

    def route(self, request, path_components):
        # /events/<slug>/ serves the live event with that slug wherever it
        # lives in the tree (site-wide here, or below its working group).
        if path_components:
            event = (
                EventPage.objects.live()
                .filter(slug=path_components[0])
                .select_related("group")
                .first()
            )
            if event is None:
                raise Http404
            return event.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import event_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_index_context(request=request, per_page=self.per_page))
        return context


def event_index_path(request=None) -> str | None:
    """Path of the live event index relative to its site root, e.g. '/events/'.

    Kept in process memory (see portal.page_paths): listings compute many
    event URLs."""
    from portal.page_paths import cached_path

    def compute():
        index = (
            EventIndexPage.objects.live()
            .only("id", "url_path", "depth", "path")
            .order_by("path")
            .first()
        )
        parts = index.get_url_parts() if index else None
        return parts[2] if parts and parts[2] else ""

    # The path carries the language prefix (/fr/events/): one entry per language.
    return cached_path(f"event_index_path:{get_language()}", compute) or None


class EventPageForm(WagtailAdminPageForm):
    """Start and end are entered as wall-clock times in the event's own zone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        zone = _zone_or_none(instance.time_zone)
        if zone is not None and not self.is_bound:
            for name in ("start", "end"):
                value = getattr(instance, name)
                if value is not None:
                    self.initial[name] = value.astimezone(zone).replace(tzinfo=None)
        for name in ("start", "end"):
            if name in self.fields:
                self.fields[name].help_text = _("Local time in the event's time zone.")

    def clean(self):
        cleaned = super().clean()
        zone = _zone_or_none(cleaned.get("time_zone"))
        if zone is not None:
            for name in ("start", "end"):
                value = cleaned.get(name)
                if value is None:
                    continue
                wall_clock = timezone.make_naive(value, timezone.get_current_timezone())
                local = wall_clock.replace(tzinfo=zone)
                round_trip = local.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(zone)
                if round_trip.replace(tzinfo=None) != wall_clock:
                    self.add_error(
                        name,
                        _(
                            "%(time)s does not exist in %(zone)s: the clocks change "
                            "that night. Choose another time."
                        )
                        % {
                            "time": wall_clock.strftime("%Y-%m-%d %H:%M"),
                            "zone": zone.key,
                        },
                    )
                    cleaned.pop(name, None)
                    continue
                cleaned[name] = local
                setattr(self.instance, name, local)
        parent = self.parent_page
        if parent is None and self.instance.pk:
            parent = self.instance.get_parent()
        in_group = parent is not None and isinstance(parent.specific, WorkingGroupPage)
        if cleaned.get("visibility") == Visibility.MEMBERS and not in_group:
            self.add_error(
                "visibility",
                _(
                    "Only a working group's events can be members-only: create the "
                    "event below its working group."
                ),
            )
        return cleaned


def _zone_or_none(name):
    if name and name in time_zone_names():
        return zoneinfo.ZoneInfo(name)
    return None


class EventTag(TaggedItemBase):
    content_object = ParentalKey(
        "working_groups.EventPage",
        on_delete=models.CASCADE,
        related_name="tagged_items",
    )


class EventPage(BasePage):
    """One event. Its canonical URL is /events/<slug>/ wherever it lives."""

    # Changes people must hear about: they bump the iCalendar SEQUENCE and
    # notify everyone registered.
    SIGNIFICANT_FIELDS = (
        "title",
        "start",
        "end",
        "time_zone",
        "venue",
        "address",
        "online_url",
        "cancelled",
    )

    event_type = models.CharField(
        _("event type"),
        max_length=20,
        choices=EventType.choices,
        default=EventType.WEBINAR,
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("The zone the event takes place in, e.g. Africa/Nairobi."),
    )
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    address = models.TextField(_("address"), blank=True)
    country = CountryField(
        _("country"),
        blank=True,
        db_index=True,
        help_text=_(
            "Where the event takes place: it is listed on that country's page. "
            "Leave empty for an online event."
        ),
    )
    description = RichTextField(_("description"), blank=True)
    agenda = RichTextField(_("agenda"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_(
            "Places available. Leave empty for no limit; beyond it, people join "
            "the waiting list."
        ),
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    featured = models.BooleanField(
        _("featured"),
        default=False,
        help_text=_("Curated by the group's moderators: shown first."),
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancellation_note = models.TextField(_("cancellation note"), blank=True)
    sequence = models.PositiveIntegerField(
        _("revision sequence"),
        default=0,
        editable=False,
        help_text=_("iCalendar SEQUENCE: raised on every significant change."),
    )
    group = models.ForeignKey(
        WorkingGroupPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="events",
        verbose_name=_("working group"),
    )
    tags = ClusterTaggableManager(through=EventTag, blank=True, verbose_name=_("tags"))

    base_form_class = EventPageForm
    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("event_type"),
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("time_zone", widget=TimeZoneInput()),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("online_url"),
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldPanel("country"),
            ],
            heading=_("Where"),
        ),
        FieldPanel("description"),
        FieldPanel("agenda"),
        InlinePanel("speakers", label=_("Speakers")),
        InlinePanel("materials", label=_("Materials (after the event)")),
        MultiFieldPanel(
            [FieldPanel("registration_open"), FieldPanel("capacity")],
            heading=_("Registration"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("visibility"),
                FieldPanel("featured"),
                FieldPanel("tags"),
                FieldPanel("cancelled"),
                FieldPanel("cancellation_note"),
            ],
            heading=_("Curation"),
        ),
    ]
    parent_page_types = [
        "working_groups.EventIndexPage",
        "working_groups.WorkingGroupPage",
    ]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        indexes = [models.Index(fields=["start"]), models.Index(fields=["end"])]

    # --- time -----------------------------------------------------------------

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return _zone_or_none(self.time_zone) or zoneinfo.ZoneInfo("UTC")

    @property
    def start_local(self):
        return self.start.astimezone(self.zone)

    @property
    def end_local(self):
        return self.end.astimezone(self.zone)

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    @property
    def has_started(self) -> bool:
        return self.start <= timezone.now()

    @property
    def ends_same_day(self) -> bool:
        return self.start_local.date() == self.end_local.date()

    # --- validation and saving ----------------------------------------------

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The event must end after it starts.")
        if not self.online_url and not self.venue:
            errors["venue"] = _("Give an online link, a venue, or both.")
        if (
            self.slug
            and EventPage.objects.filter(slug=self.slug).exclude(pk=self.pk).exists()
        ):
            errors["slug"] = _(
                "Another event already uses the address /events/%(slug)s/. "
                "Choose another slug."
            ) % {"slug": self.slug}
        if errors:
            raise ValidationError(errors)

    def _parent_group(self):
        if not self.path or self.depth is None or self.depth < 2:
            return None
        parent = self.get_parent()
        if parent is None:
            return None
        parent = parent.specific
        return parent if isinstance(parent, WorkingGroupPage) else None

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        change = None
        if update_fields is None:
            self.group = self._parent_group()
            if self.pk:
                previous = (
                    EventPage.objects.filter(pk=self.pk)
                    .values(*self.SIGNIFICANT_FIELDS, "sequence", "live")
                    .first()
                )
                if previous is not None:
                    changed = any(
                        previous[name] != getattr(self, name)
                        for name in self.SIGNIFICANT_FIELDS
                    )
                    self.sequence = max(self.sequence, previous["sequence"]) + int(
                        changed
                    )
                    if changed and previous["live"]:
                        if self.cancelled and not previous["cancelled"]:
                            change = "cancelled"
                        elif not self.cancelled:
                            change = "updated"
        result = super().save(*args, **kwargs)
        if change is not None:
            from ..tasks import event_change_notify

            event_id = self.pk
            transaction.on_commit(lambda: event_change_notify.enqueue(event_id, change))
        return result

    # --- URLs and serving -----------------------------------------------------

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request)
        if parts is None or parts[2] is None:
            return parts
        index_path = event_index_path(request)
        if index_path is None:
            return parts
        site_id, root_url, _tree_path = parts
        return site_id, root_url, f"{index_path}{self.slug}/"

    def serve(self, request, *args, **kwargs):
        from portal.visibility import require_visible

        if not getattr(request, "is_preview", False):
            require_visible(request.user, self)
        if not getattr(request, "is_preview", False):
            canonical = self.get_url(request)
            if canonical and urlsplit(canonical).path != request.path:
                query = request.META.get("QUERY_STRING")
                return HttpResponsePermanentRedirect(
                    canonical + (f"?{query}" if query else "")
                )
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import event_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(event_page_context(request=request, event=self))
        return context


class EventSpeaker(Orderable):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=255, blank=True)

    panels = [FieldPanel("name"), FieldPanel("affiliation"), FieldPanel("topic")]

    class Meta(Orderable.Meta):
        verbose_name = _("speaker")


class EventMaterial(Orderable):
    """A recording, slides or report from the event, kept in the knowledge library
    (so it is searchable, citable and has its own visibility)."""

    class Kind(models.TextChoices):
        RECORDING = "recording", _("Recording")
        SLIDES = "slides", _("Slides")
        REPORT = "report", _("Report")
        OTHER = "other", _("Other material")

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="materials")
    resource = models.ForeignKey(
        "knowledge.ResourcePage",
        on_delete=models.CASCADE,
        related_name="event_materials",
        verbose_name=_("resource"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.RECORDING
    )

    panels = [FieldPanel("resource"), FieldPanel("kind")]

    class Meta(Orderable.Meta):
        verbose_name = _("material")
        verbose_name_plural = _("materials")


class EventRegistration(models.Model):
    """Someone's answer to an event: going, on the waiting list, or not going."""

    class Status(models.TextChoices):
        GOING = "going", _("Going")
        WAITLISTED = "waitlisted", _("On the waiting list")
        NOT_GOING = "not_going", _("Not going")

    event = models.ForeignKey(
        EventPage,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("event"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_registrations",
        verbose_name=_("person"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    # The waiting list moves up in the order people joined it.
    status_changed_at = models.DateTimeField(
        _("status changed at"), default=timezone.now
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], name="one_registration_per_event"
            )
        ]
        indexes = [models.Index(fields=["event", "status", "status_changed_at"])]

    def __str__(self):
        return f"{self.user} · {self.event} · {self.get_status_display()}"
