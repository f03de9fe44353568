"""What harvesters must be told after a public record goes away."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeletedRecord(models.Model):
    """A tombstone: a resource that harvesters could see and no longer may
    (unpublished, deleted, made members-only). OAI-PMH reports it as a deleted
    record for ever (``deletedRecord: persistent``) unless it becomes public again.

    Only the id, the moment and the sets it was in are kept: nothing a visitor
    could not read while it was public."""

    resource_id = models.PositiveBigIntegerField(_("resource id"), unique=True)
    datestamp = models.DateTimeField(_("withdrawn at"), db_index=True)
    set_specs = ArrayField(
        models.CharField(max_length=120),
        default=list,
        blank=True,
        verbose_name=_("sets"),
    )

    class Meta:
        verbose_name = _("deleted OAI-PMH record")
        verbose_name_plural = _("deleted OAI-PMH records")
        ordering = ["resource_id"]

    def __str__(self) -> str:
        return f"resource {self.resource_id} (deleted {self.datestamp:%Y-%m-%d})"
