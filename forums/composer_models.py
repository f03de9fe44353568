"""What the composer adds to a post: attached files and members' reactions.

Attachments live under ``media/forum_attachments/``, a folder no web server
serves (portal.media, deploy/nginx.conf): they are sent only by the
permission-checked download view, to readers of the thread.
"""

import os
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ATTACHMENTS_FOLDER = "forum_attachments"


def attachment_upload_to(instance, filename: str) -> str:
    # A random folder: the stored path says nothing about the post or its author.
    return f"{ATTACHMENTS_FOLDER}/{secrets.token_hex(12)}/{os.path.basename(filename)}"


class PostAttachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        DOCUMENT = "document", _("Document")

    post = models.ForeignKey(
        "forums.Post", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_upload_to, max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    size = models.PositiveBigIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["post", "pk"]

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE

    @property
    def extension(self) -> str:
        return os.path.splitext(self.name)[1].lstrip(".").upper()


class PostReaction(models.Model):
    """One member's "thanks" or "helpful" on a post: at most one of each kind."""

    class Kind(models.TextChoices):
        THANKS = "thanks", _("Thanks")
        HELPFUL = "helpful", _("Helpful")

    post = models.ForeignKey(
        "forums.Post", on_delete=models.CASCADE, related_name="reactions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user", "kind"], name="one_reaction_per_kind"
            )
        ]
