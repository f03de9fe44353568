"""factory_boy factories shared by every app's tests."""

from .events import EventFactory, EventRegistrationFactory, event_index_get_or_create
from .forums import (
    CategoryFactory,
    FlagFactory,
    ForumFactory,
    PostFactory,
    ThreadFactory,
)
from .knowledge import (
    DocumentFactory,
    OrganisationFactory,
    ResourceFactory,
)
from .pages import WorkingGroupFactory, working_group_index_get_or_create
from .users import MembershipFactory, StaffFactory, UserFactory

__all__ = [
    "CategoryFactory",
    "FlagFactory",
    "ForumFactory",
    "PostFactory",
    "ThreadFactory",
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
