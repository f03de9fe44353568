"""Writes about working groups, one module per concern: moderation setup, the
membership state machine, invitations, event registration and curation.

Membership moves only through these functions, each of which leaves a row in
the audit log and emails both sides:

    (none) ──request──▶ pending ──approve──▶ active ──leave──▶ left
       │                   │  └──decline──▶ declined     └──remove──▶ removed
       └──request (open)──▶ active          pending ──leave (withdraw)──▶ left
    invitation ──accept──▶ active
    declined / left / removed ──request──▶ pending (or active in an open group,
                                           except after a removal)
"""

from .common import (  # noqa: F401
    MembershipError,
)
from .events import (  # noqa: F401
    EventError,
    event_change_notify,
    event_feature_set,
    event_rsvp,
    event_waitlist_refresh,
)
from .invitations import (  # noqa: F401
    membership_invitation_accept,
    membership_invitation_decline,
    membership_invite,
)
from .memberships import (  # noqa: F401
    REQUESTS_PER_DAY,
    membership_admin_changed,
    membership_approve,
    membership_decline,
    membership_leave,
    membership_remove,
    membership_request,
)
from .setup import (  # noqa: F401
    MODERATOR_PAGE_PERMISSIONS,
    group_moderation_setup,
    moderator_rights_sync,
)
