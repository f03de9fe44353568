from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge library")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import visibility

        from . import signals  # noqa: F401
        from .models import ResourcePage
        from .permissions import can_view_resource

        visibility.register(ResourcePage, can_view_resource)
