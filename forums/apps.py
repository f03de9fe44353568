from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import visibility

        from . import signals  # noqa: F401
        from .models import Forum, Post, Thread
        from .permissions import can_read_forum, can_view_post, can_view_thread

        visibility.register(Forum, can_read_forum)
        visibility.register(Thread, can_view_thread)
        visibility.register(Post, can_view_post)
