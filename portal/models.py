from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
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
        from portal.selectors import home_sections

        context = super().get_context(request, *args, **kwargs)
        context.update(home_sections(user=request.user))
        return context


class ExpertiseTag(TaggedItemBase):
    content_object = ParentalKey(
        "portal.UserProfile", on_delete=models.CASCADE, related_name="tagged_items"
    )


class UserProfile(ClusterableModel):
    """What members tell the community about themselves. Email stays private."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
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

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_full_name() or self.user.username


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
