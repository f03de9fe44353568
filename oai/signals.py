"""Signals only note whether a resource was public before a change, then queue
the tombstone sync (with ids and set names) after the transaction commits."""

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from knowledge.models import ResourcePage
from knowledge.permissions import can_view_resource
from working_groups.models import Visibility, WorkingGroupPage

from .selectors import public_resources, set_specs_for


def _public_state(resource) -> tuple[bool, list[str]]:
    if resource is None or not can_view_resource(AnonymousUser(), resource):
        return False, []
    return True, set_specs_for(resource)


def _queue_sync(resource_id: int, was_public: bool, set_specs: list[str]) -> None:
    from .services import deleted_record_sync

    transaction.on_commit(
        lambda: deleted_record_sync(
            resource_id=resource_id, was_public=was_public, set_specs=set_specs
        )
    )


@receiver(pre_save, sender=ResourcePage)
def note_public_state_before_save(sender, instance, raw=False, **kwargs):
    if raw or not instance.pk:
        instance._oai_before = (False, [])
        return
    stored = ResourcePage.objects.filter(pk=instance.pk).first()
    instance._oai_before = _public_state(stored)


@receiver(post_save, sender=ResourcePage)
def sync_after_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    was_public, set_specs = getattr(instance, "_oai_before", (False, []))
    _queue_sync(instance.pk, was_public, set_specs)


@receiver(pre_delete, sender=ResourcePage)
def note_public_state_before_delete(sender, instance, **kwargs):
    instance._oai_before = _public_state(instance)


@receiver(post_delete, sender=ResourcePage)
def sync_after_delete(sender, instance, **kwargs):
    was_public, set_specs = getattr(instance, "_oai_before", (False, []))
    _queue_sync(instance.pk, was_public, set_specs)


@receiver(pre_save, sender=WorkingGroupPage)
def note_public_resources_of_a_closing_group(sender, instance, raw=False, **kwargs):
    """A public group made members-only (or unpublished) takes its public
    resources off the record: note which ones, with their sets, before the save."""
    instance._oai_closing = []
    if raw or not instance.pk:
        return
    stored = WorkingGroupPage.objects.filter(pk=instance.pk).first()
    if stored is None or not stored.live or stored.visibility != Visibility.PUBLIC:
        return
    if instance.live and instance.visibility == Visibility.PUBLIC:
        return
    instance._oai_closing = [
        (resource.pk, set_specs_for(resource))
        for resource in public_resources(set_spec=f"group:{stored.slug}")
    ]


@receiver(post_save, sender=WorkingGroupPage)
def sync_resources_of_a_closing_group(sender, instance, raw=False, **kwargs):
    for resource_id, set_specs in getattr(instance, "_oai_closing", []):
        _queue_sync(resource_id, True, set_specs)
