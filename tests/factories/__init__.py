"""factory_boy factories shared by every app's tests."""

from .knowledge import (
    DocumentFactory,
    OrganisationFactory,
    ResourceFactory,
)
from .pages import WorkingGroupFactory, working_group_index_get_or_create
from .users import MembershipFactory, UserFactory

__all__ = [
    "DocumentFactory",
    "OrganisationFactory",
    "ResourceFactory",
    "MembershipFactory",
    "UserFactory",
    "WorkingGroupFactory",
    "working_group_index_get_or_create",
]
