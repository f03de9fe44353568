from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField

from portal.models import BasePage


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members of the group only")


class WorkingGroupIndexPage(BasePage):
    """/working-groups/: every working group of the community."""

    parent_page_types = ["portal.HomePage"]
    subpage_types = ["working_groups.WorkingGroupPage"]
    max_count = 1

    class Meta:
        verbose_name = _("working group index")

    def get_context(self, request, *args, **kwargs):
        from .selectors import group_list

        context = super().get_context(request, *args, **kwargs)
        context["groups"] = group_list(user=request.user)
        return context


class WorkingGroupPage(BasePage):
    """A working group's space."""

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Open: anyone signed in can join")
        APPROVAL = "approval", _("Approval: moderators approve requests")
        INVITE = "invite", _("Invite only")

    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    mission = RichTextField(_("mission"), blank=True)
    focus_areas = models.TextField(
        _("focus areas"), blank=True, help_text=_("One focus area per line.")
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_(
            "Who can see the group's space. Private content stays members-only."
        ),
    )
    join_policy = models.CharField(
        _("join policy"),
        max_length=10,
        choices=JoinPolicy.choices,
        default=JoinPolicy.APPROVAL,
    )

    moderators_group = models.OneToOneField(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="moderated_working_group",
        help_text=_("Django group of the moderators: holds their page permissions."),
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("short_name"),
        FieldPanel("mission"),
        FieldPanel("focus_areas"),
        MultiFieldPanel(
            [FieldPanel("visibility"), FieldPanel("join_policy")], heading=_("Access")
        ),
    ]
    parent_page_types = ["working_groups.WorkingGroupIndexPage"]
    # The group's part of the page tree: its resources and events live below it,
    # so Wagtail's page permissions and workflow scope its moderators' powers.
    # Child page types declare WorkingGroupPage in their parent_page_types.

    class Meta:
        verbose_name = _("working group")

    @property
    def focus_area_list(self) -> list[str]:
        return [line.strip() for line in self.focus_areas.splitlines() if line.strip()]


class Membership(models.Model):
    """A user's place in a working group: role and where their request stands."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Moderator")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Removed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(
        WorkingGroupPage, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=Role.choices, default=Role.MEMBER
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    motivation = models.TextField(_("motivation"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_message = models.TextField(_("decision message"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "group"], name="one_membership_per_group"
            )
        ]
        indexes = [models.Index(fields=["group", "status", "role"])]

    def __str__(self):
        return f"{self.user} · {self.group} · {self.get_role_display()} ({self.get_status_display()})"
