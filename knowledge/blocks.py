"""StreamField blocks of resource pages: the shared ones plus embeds."""

from django.utils.translation import gettext_lazy as _
from wagtail.embeds.blocks import EmbedBlock

from portal.blocks import BaseStreamBlock


class ResourceStreamBlock(BaseStreamBlock):
    embed = EmbedBlock(
        label=_("Embedded video or slides"),
        help_text=_("A link to a recording (YouTube, Vimeo) or slides."),
    )
