from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkingGroupsConfig(AppConfig):
    name = "working_groups"
    verbose_name = _("Working groups")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import visibility

        from . import signals  # noqa: F401
        from .models import EventPage, WorkingGroupPage
        from .permissions import can_view_event, can_view_group
        from .selectors import group_ids_prime

        visibility.register(
            WorkingGroupPage,
            lambda user, group: group.live and can_view_group(user, group),
        )
        visibility.register(
            EventPage, lambda user, event: event.live and can_view_event(user, event)
        )
        visibility.register_primer(group_ids_prime)
