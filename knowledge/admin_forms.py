from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from working_groups.models import Visibility, WorkingGroupPage


class ResourcePageForm(WagtailAdminPageForm):
    """The admin's resource form: a members-only resource needs a working group
    (the one it lives below, or one it is shared with)."""

    def clean(self):
        cleaned = super().clean()
        self._check_sharing(cleaned)
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

    def _check_sharing(self, cleaned) -> None:
        """Sharing into another group publishes into that group's space, so only
        that group's moderators (or editors of the whole site) may add it."""
        from working_groups.selectors import moderated_group_ids_for_user

        user = getattr(self, "for_user", None)
        if user is None or user.is_superuser or user.is_staff:
            return
        already = set()
        if self.instance.pk:
            already = set(
                type(self.instance)
                .objects.filter(pk=self.instance.pk)
                .values_list("groups", flat=True)
            )
        moderated = moderated_group_ids_for_user(user=user)
        refused = [
            group
            for group in cleaned.get("groups") or []
            if group.pk not in already and group.pk not in moderated
        ]
        if refused:
            self.add_error(
                "groups",
                _(
                    "Only the moderators of %(groups)s can share resources into "
                    "their group: ask them to add it."
                )
                % {"groups": ", ".join(group.title for group in refused)},
            )
