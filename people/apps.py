from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("Expertise directory and mentoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import visibility

        from .models import MentoringRequest
        from .permissions import can_view_mentoring

        visibility.register(MentoringRequest, can_view_mentoring)
