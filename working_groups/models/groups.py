"""Working groups, who belongs to them, and the record of every change."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
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
        from ..selectors import group_list_for_cards

        context = super().get_context(request, *args, **kwargs)
        context["groups"] = group_list_for_cards(user=request.user)
        return context


class GroupColour(models.TextChoices):
    """A palette, not free CSS: each colour stands on white as a band and a
    border (the group's name stays in dark text beside it)."""

    TEAL = "#00707a", _("Teal")
    INDIGO = "#3b4cc0", _("Indigo")
    AMBER = "#b35c00", _("Amber")
    GREEN = "#2e7d32", _("Green")
    PLUM = "#7b3f8c", _("Plum")
    CRIMSON = "#b3261e", _("Crimson")
    SLATE = "#475569", _("Slate")


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
    tagline = models.CharField(
        _("tagline"),
        max_length=120,
        blank=True,
        help_text=_("A few words that say what the group is about, on its cards."),
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        choices=GroupColour.choices,
        blank=True,
        help_text=_(
            "Marks the group's cards and page so it is recognised at a glance."
        ),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("image"),
        help_text=_("Shown on the group's cards and page, cropped to a wide band."),
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
        MultiFieldPanel(
            [FieldPanel("tagline"), FieldPanel("colour"), FieldPanel("image")],
            heading=_("Identity"),
        ),
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

    @property
    def display_name(self) -> str:
        return self.short_name or self.title

    def serve(self, request, *args, **kwargs):
        from portal.visibility import require_visible

        if not getattr(request, "is_preview", False):
            require_visible(request.user, self)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import group_space

        context = super().get_context(request, *args, **kwargs)
        context.update(group_space(user=request.user, group=self))
        return context


class Membership(models.Model):
    """A user's place in a working group: role and where their request stands.

    Change it only through working_groups.services, which keeps the audit log.
    """

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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    group = models.ForeignKey(
        WorkingGroupPage,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("working group"),
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


def invitation_token() -> str:
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + timedelta(days=30)


class MembershipInvitation(models.Model):
    """An invitation by email; whoever holds a verified copy of that address may
    accept it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    group = models.ForeignKey(
        WorkingGroupPage,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("working group"),
    )
    email = models.EmailField(_("email"))
    token = models.CharField(
        max_length=64, unique=True, default=invitation_token, editable=False
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=invitation_expiry)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "email"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.group}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()


class MembershipAuditEntry(models.Model):
    """One change to a membership or invitation; never edited after the fact."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Asked to join")
        JOINED = "joined", _("Joined an open group")
        APPROVED = "approved", _("Request approved")
        DECLINED = "declined", _("Request declined")
        LEFT = "left", _("Left the group")
        WITHDRAWN = "withdrawn", _("Request withdrawn")
        REMOVED = "removed", _("Removed from the group")
        INVITED = "invited", _("Invited by email")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        INVITATION_DECLINED = "invitation_declined", _("Invitation declined")
        CHANGED = "changed", _("Changed by an administrator")

    group = models.ForeignKey(
        WorkingGroupPage,
        on_delete=models.CASCADE,
        related_name="membership_audit_entries",
        verbose_name=_("working group"),
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("membership"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
        help_text=_("Whose membership changed."),
    )
    email = models.EmailField(
        _("invited email"), blank=True, help_text=_("For invitations only.")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    from_status = models.CharField(
        _("from"), max_length=10, choices=Membership.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=10, choices=Membership.Status.choices, blank=True
    )
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, blank=True
    )
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("membership audit entry")
        verbose_name_plural = _("membership audit log")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        subject = self.user or self.email
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.group} · {subject} · {self.get_action_display()}"
