from .events import (
    EventIndexPage,
    EventMaterial,
    EventPage,
    EventRegistration,
    EventSpeaker,
    EventTag,
    EventType,
    time_zone_choices,
    validate_time_zone,
)
from .groups import (
    GroupColour,
    Membership,
    MembershipAuditEntry,
    MembershipInvitation,
    Visibility,
    WorkingGroupIndexPage,
    WorkingGroupPage,
)

__all__ = [
    "EventIndexPage",
    "EventMaterial",
    "EventPage",
    "EventRegistration",
    "EventSpeaker",
    "EventTag",
    "EventType",
    "GroupColour",
    "Membership",
    "MembershipAuditEntry",
    "MembershipInvitation",
    "Visibility",
    "WorkingGroupIndexPage",
    "WorkingGroupPage",
    "time_zone_choices",
    "validate_time_zone",
]
