"""Signals only queue follow-up work, after the transaction commits."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from .models import Membership, WorkingGroupPage


@receiver(page_published, sender=WorkingGroupPage)
def setup_moderation_on_publish(sender, instance, **kwargs):
    from .services import group_moderation_setup

    group_id = instance.pk
    transaction.on_commit(
        lambda: group_moderation_setup(group=WorkingGroupPage.objects.get(pk=group_id))
    )


@receiver(post_save, sender=Membership)
def sync_moderator_rights(sender, instance, **kwargs):
    from .services import moderator_rights_sync

    membership_id = instance.pk
    transaction.on_commit(
        lambda: moderator_rights_sync(
            membership=Membership.objects.select_related("group", "user").get(
                pk=membership_id
            )
        )
    )
