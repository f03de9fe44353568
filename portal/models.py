from django.conf import settings
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
