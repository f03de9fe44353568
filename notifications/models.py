"""A member's notifications on the site, and how each kind reaches them.

A notification is written once per recipient and cause (``key``, unique per
recipient), so a fan-out that runs twice never notifies twice. It keeps the
title and link it was written with, and the working group whose members alone
may read its subject (``group``): the page and the header's count leave out
what the recipient can no longer see.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REPLY = "reply", _("Replies in discussions you follow")
    QUOTE = "quote", _("Quotes of your posts")
    MENTION = "mention", _("Mentions of you")
    MEMBERSHIP = "membership", _("Your memberships: requests to join and removals")
    SUBMISSION = "submission", _("Moderation of what you shared")
    EVENT = "event", _("Changes to events you registered for")
    WAITLIST = "waitlist", _("Places from a waiting list")
    SAVED_SEARCH = "saved_search", _("New matches for your saved searches")
    RESOURCE_MENTION = "resource_mention", _("Discussions that mention your resources")
    MENTORING = "mentoring", _("Mentoring requests and replies")
    REACTION = "reaction", _("Reactions to your posts")
    INVITATION = "invitation", _("Invitations to join a group")
    JOIN_REQUEST = "join_request", _("Requests to join the groups you moderate")
    FLAG = "flag", _("Flagged posts in the groups you moderate")
    REVIEW = "review", _("Resources to review in the groups you moderate")
    MEMBER_LEFT = "member_left", _("Members leaving the groups you moderate")


class Delivery(models.TextChoices):
    SITE = "site", _("On the site only")
    EMAIL = "email", _("On the site and by email at once")
    DIGEST = "digest", _("On the site and in a daily email digest")
    OFF = "off", _("Off")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    verb = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500)
    target = models.CharField(max_length=40, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    group = models.ForeignKey(
        "working_groups.WorkingGroupPage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only this group's members may read what it is about."),
    )
    key = models.CharField(max_length=200)
    # How many people one aggregated notification stands for ("and 3 others
    # reacted"): it is updated in place rather than written again.
    count = models.PositiveIntegerField(default=1)
    delivery = models.CharField(
        max_length=10, choices=Delivery.choices, default=Delivery.SITE
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="notification_once_per_cause"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(
                fields=["delivery", "digested_at"],
                name="notification_digest_due",
                condition=models.Q(delivery="digest", digested_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.verb} {self.title}"


class DeliveryPreference(models.Model):
    """How one kind of notification reaches one member (absent: the default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notification_preference_once"
            )
        ]


class HomeVisit(models.Model):
    """When a member last looked at their home: "new since your last visit"."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="home_visit"
    )
    seen_at = models.DateTimeField()
    previous_seen_at = models.DateTimeField(null=True, blank=True)
