"""Signals only queue follow-up work, after the transaction commits."""

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from working_groups.models import WorkingGroupPage


@receiver(page_published, sender=WorkingGroupPage)
def group_forum_on_publish(sender, instance, **kwargs):
    """Every published working group gets its (members-only) forum."""
    from .services import forum_for_group_ensure

    group_id = instance.pk

    def ensure():
        group = WorkingGroupPage.objects.filter(pk=group_id).first()
        if group is not None:
            forum_for_group_ensure(group=group)

    transaction.on_commit(ensure)
