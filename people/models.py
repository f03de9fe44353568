"""Mentoring between members: a request, a private two-person thread, an outcome,
and the lesson learned it may become. Only the two participants ever read it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class MentoringRequest(models.Model):
    class Kind(models.TextChoices):
        MENTORING = "mentoring", _("Mentoring over a few weeks")
        EXCHANGE = "exchange", _("A one-off exchange")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Open")
        DECLINED = "declined", _("Declined")
        REDIRECTED = "redirected", _("Suggested someone else")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLOSED = "closed", _("Closed")

    OPEN_STATUSES = (Status.PENDING, Status.ACCEPTED)

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentoring_requests_sent",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentoring_requests_received",
    )
    kind = models.CharField(_("what you ask for"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=200)
    country = CountryField(_("country"), blank=True)
    context = models.TextField(_("what you have tried so far"), max_length=2000)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    answer_note = models.TextField(_("note to the requester"), blank=True)
    suggested_expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.TextField(_("outcome"), blank=True, max_length=2000)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mentoring request")
        verbose_name_plural = _("mentoring requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["expert", "status"], name="mentoring_expert_status"),
            models.Index(
                fields=["requester", "created_at"], name="mentoring_requester_recent"
            ),
        ]

    def __str__(self):
        return self.topic

    def get_absolute_url(self):
        return reverse("people:mentoring_detail", args=[self.pk])

    def other_participant(self, user):
        return self.expert if user.pk == self.requester_id else self.requester

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class MentoringMessage(models.Model):
    request = models.ForeignKey(
        MentoringRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class LessonProposal(models.Model):
    """Turning a closed exchange into a lesson learned needs both people: the one
    who proposes it and the other, who consents (each chooses to be named)."""

    class Status(models.TextChoices):
        AWAITING_CONSENT = "awaiting", _("Waiting for consent")
        SUBMITTED = "submitted", _("Sent to the moderators")
        REFUSED = "refused", _("Consent refused")

    request = models.OneToOneField(
        MentoringRequest, on_delete=models.CASCADE, related_name="lesson_proposal"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        "working_groups.WorkingGroupPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), max_length=1000)
    lesson_context = models.TextField(_("context"), blank=True)
    lesson_challenge = models.TextField(_("challenge"), blank=True)
    lesson_action = models.TextField(_("what was done"), blank=True)
    lesson_result = models.TextField(_("result"), blank=True)
    lesson_learned = models.TextField(_("the lesson"), blank=True)
    proposer_named = models.BooleanField(_("name me as an author"), default=True)
    other_named = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.AWAITING_CONSENT
    )
    resource = models.ForeignKey(
        "knowledge.ResourcePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)


class MentoringEvent(models.TextChoices):
    """What changed in a member's mentoring (told through notifications)."""

    REQUESTED = "requested", _("asked you for mentoring")
    ACCEPTED = "accepted", _("accepted your request")
    DECLINED = "declined", _("declined your request")
    REDIRECTED = "redirected", _("suggested someone else")
    MESSAGE = "message", _("wrote to you")
    CLOSED = "closed", _("closed the exchange")
    LESSON_PROPOSED = "lesson_proposed", _("proposes a lesson learned")
    LESSON_CONSENTED = "lesson_consented", _("agreed to share the lesson")
    LESSON_REFUSED = "lesson_refused", _("did not agree to share the lesson")
