from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrawlersConfig(AppConfig):
    name = "crawlers"
    verbose_name = _("Sitemaps and robots")
