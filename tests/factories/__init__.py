"""factory_boy factories shared by every app's tests."""

from .events import EventFactory, EventRegistrationFactory, event_index_get_or_create
from .knowledge import (
    DocumentFactory,
    OrganisationFactory,
    ResourceFactory,
)
from .pages import WorkingGroupFactory, working_group_index_get_or_create
from .users import MembershipFactory, StaffFactory, UserFactory

__all__ = [
    "EventFactory",
    "EventRegistrationFactory",
    "StaffFactory",
    "event_index_get_or_create",
    "DocumentFactory",
    "OrganisationFactory",
    "ResourceFactory",
    "MembershipFactory",
    "UserFactory",
    "WorkingGroupFactory",
    "working_group_index_get_or_create",
]
