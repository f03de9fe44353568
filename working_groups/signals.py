"""Signals only queue follow-up work, after the transaction commits."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published, post_page_move

from .models import EventPage, Membership, WorkingGroupPage


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


@receiver(page_published, sender=EventPage)
def let_waiting_list_in_on_publish(sender, instance, **kwargs):
    """A raised capacity frees places for the waiting list."""
    from .services import event_waitlist_refresh

    event_id = instance.pk
    transaction.on_commit(lambda: event_waitlist_refresh(event_id=event_id))


@receiver(post_page_move, sender=EventPage)
def regroup_moved_event(sender, instance, parent_page_after, **kwargs):
    """An event moved to another group (or site-wide) belongs to its new parent."""
    event_id = instance.pk
    parent = parent_page_after.specific
    group_id = parent.pk if isinstance(parent, WorkingGroupPage) else None
    transaction.on_commit(
        lambda: EventPage.objects.filter(pk=event_id).update(group_id=group_id)
    )
