import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Now
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .blocks import BaseStreamBlock


class BasePage(Page):
    """Fields and behaviour every content page of the portal shares."""

    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("A short summary shown in listings and search results."),
    )

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    class Meta:
        abstract = True

    def _get_site_root_paths(self, cache_object=None, **kwargs):
        """The sites' root paths from process memory (see portal.page_paths), so
        ``page.url`` without a request costs no query."""
        from .page_paths import site_root_paths

        cached = getattr(cache_object, "_wagtail_cached_site_root_paths", None)
        if cached is not None:
            return cached
        paths = site_root_paths()
        if cache_object is not None:
            try:
                cache_object._wagtail_cached_site_root_paths = paths
            except AttributeError:
                pass
        return paths


class HomePage(BasePage):
    """The portal's front door: mission, groups, latest activity, how to join."""

    mission_heading = models.CharField(
        _("mission heading"), max_length=255, default=_("Our mission")
    )
    mission = RichTextField(_("mission"), blank=True)
    how_to_join = RichTextField(_("how to join"), blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("mission_heading"), FieldPanel("mission")], heading=_("Mission")
        ),
        FieldPanel("body"),
        FieldPanel("how_to_join"),
    ]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if request.user.is_authenticated:
            # A signed-in member gets their personal home (portal.member_home).
            from portal.member_home import member_home_sections

            context.update(member_home_sections(user=request.user))
            return context
        from portal.selectors import home_sections

        context.update(home_sections(user=request.user))
        return context

    def get_template(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return "portal/member_home.html"
        return super().get_template(request, *args, **kwargs)

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated:
            # Personal: never kept by the visitors' page cache or a proxy.
            patch_cache_control(response, private=True, no_store=True)
        return response


class ExpertiseTag(TaggedItemBase):
    content_object = ParentalKey(
        "portal.UserProfile", on_delete=models.CASCADE, related_name="tagged_items"
    )


def neutral_handle() -> str:
    """A handle that says nothing about its owner, for accounts that have not
    chosen one (never derived from the email address or username)."""
    return f"member-{secrets.token_hex(4)}"


validate_handle = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]{2,29}$",
    _(
        "Use 3 to 30 lower-case letters, digits, '-' or '_', starting with a "
        "letter or digit."
    ),
)


class UserProfile(ClusterableModel):
    """What members tell the community about themselves. Email stays private."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    handle = models.CharField(
        _("forum handle"),
        max_length=30,
        unique=True,
        default=neutral_handle,
        validators=[validate_handle],
        help_text=_(
            "How others @mention you in the forums: 3 to 30 letters, digits, "
            "'-' or '_'. It is public; do not use your email address."
        ),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    expertise = ClusterTaggableManager(
        through=ExpertiseTag, blank=True, verbose_name=_("expertise")
    )
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)

    # -- Expertise directory and mentoring (people app): opt-in, so nobody is
    # listed in /people/ or on country pages without saying yes.
    listed_in_directory = models.BooleanField(
        _("list me in the expertise directory"), default=False
    )
    countries_worked_in = CountryField(
        _("countries worked in"), multiple=True, blank=True
    )
    languages_spoken = ArrayField(
        models.CharField(max_length=10),
        blank=True,
        default=list,
        verbose_name=_("languages spoken"),
    )
    mentoring_capacity = models.PositiveSmallIntegerField(
        _("open mentoring requests I accept"),
        default=2,
        help_text=_("0 stops new requests; requests already open stay open."),
    )
    # -- end of the expertise directory block

    # -- Profile picture (issue 15): a Wagtail image cropped square by its focal
    # point; the URL of its rendition is kept so lists show faces without queries.
    avatar = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("profile picture"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    avatar_url = models.CharField(max_length=500, blank=True, editable=False)
    # -- end of the profile picture block

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        # Never the username: it may be made from the email address.
        return self.display_name or self.user.get_full_name() or self.handle


@register_setting(icon="site")
class PortalSettings(BaseGenericSetting):
    """Site-wide texts editors can change without a deployment."""

    tagline = models.CharField(
        _("tagline"),
        max_length=255,
        blank=True,
        default=_("Sharing what works in Education Management Information Systems"),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    footer_text = models.TextField(_("footer text"), blank=True)

    panels = [
        FieldPanel("tagline"),
        FieldPanel("contact_email"),
        FieldPanel("footer_text"),
    ]

    class Meta:
        verbose_name = _("portal settings")


# --- Operations: the mail outbox and the scheduler's runs ----------------------


class OutboxMessage(models.Model):
    """One email to one recipient, queued in the same transaction as the action
    that caused it and sent by the worker (portal.mail)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    to_email = models.EmailField(_("to"), max_length=254)
    from_email = models.CharField(_("from"), max_length=254)
    subject = models.CharField(_("subject"), max_length=998)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    template = models.CharField(_("template"), max_length=200, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_default=Now())
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["status", "created_at"], name="outbox_status_idx"),
        ]

    def __str__(self):
        return f"{self.to_email}: {self.subject}"


class ScheduledRun(models.Model):
    """A scheduled job claims its interval here before it runs: the unique key
    (job, slot) lets only one scheduler run it, however many are started."""

    job = models.CharField(_("job"), max_length=100)
    slot = models.BigIntegerField(_("slot"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once")
        ]

    def __str__(self):
        return f"{self.job} #{self.slot}"
