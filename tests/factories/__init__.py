"""factory_boy factories shared by every app's tests."""

from .pages import WorkingGroupFactory, working_group_index_get_or_create
from .users import MembershipFactory, UserFactory

__all__ = [
    "MembershipFactory",
    "UserFactory",
    "WorkingGroupFactory",
    "working_group_index_get_or_create",
]
