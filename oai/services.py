"""Writes of the OAI-PMH app: keeping tombstones in step with the library."""

from django.db import transaction
from django.utils import timezone

from .models import DeletedRecord
from .selectors import public_resource_get


@transaction.atomic
def deleted_record_sync(
    *, resource_id: int, was_public: bool, set_specs: list[str]
) -> DeletedRecord | None:
    """After a resource changed: public again → no tombstone; it was public and
    is not any more (unpublished, deleted, members-only, moved to a private
    group) → a tombstone with the sets it was in. A resource that was never
    public never appears, not even as deleted."""
    if public_resource_get(resource_id=resource_id) is not None:
        DeletedRecord.objects.filter(resource_id=resource_id).delete()
        return None
    existing = DeletedRecord.objects.filter(resource_id=resource_id).first()
    if not was_public:
        return existing
    if existing is not None:
        return existing
    return DeletedRecord.objects.create(
        resource_id=resource_id, datestamp=timezone.now(), set_specs=set_specs
    )
