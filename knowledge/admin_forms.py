from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from working_groups.models import Visibility, WorkingGroupPage


class ResourcePageForm(WagtailAdminPageForm):
    """The admin's resource form: a members-only resource needs a working group
    (the one it lives below, or one it is shared with)."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("visibility") != Visibility.MEMBERS:
            return cleaned
        parent = self.parent_page
        if parent is None and self.instance.pk:
            parent = self.instance.get_parent()
        below_group = parent is not None and isinstance(
            parent.specific_deferred, WorkingGroupPage
        )
        if not below_group and not cleaned.get("groups"):
            self.add_error(
                "visibility",
                _(
                    "Members-only resources need a working group: create it below "
                    "the group's page or share it with a group."
                ),
            )
        return cleaned
