"""Writes of the forums, one module per concern. Every function checks its
permission first, so a view that forgets to ask cannot do more than the rules allow.

Changes that alter what a thread or forum shows, or who may read it (title,
hidden, deleted, moved, public to read), are saved with ``save(update_fields=...)``
so post_save reaches the search index; counters use ``update()`` and do not.
"""

from .common import (  # noqa: F401
    BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from .counters import (  # noqa: F401
    forum_counters_refresh,
    thread_counters_refresh,
)
from .moderation import (  # noqa: F401
    flag_dismiss,
    forum_settings_update,
    post_flag,
    post_hide,
    suspension_lift,
    thread_delete,
    thread_hide,
    thread_lock,
    thread_move,
    thread_pin,
    user_suspend,
)
from .posting import (  # noqa: F401
    POSTING_LOCK_NAMESPACE,
    post_create,
    post_delete,
    post_edit,
    thread_create,
    thread_mark_answer,
    thread_promote_to_lesson,
)
from .setup import (  # noqa: F401
    community_forum_get_or_create,
    forum_for_group_ensure,
)
from .subscriptions import (  # noqa: F401
    preference_update,
    subscription_create,
    subscription_delete,
    thread_mark_read,
)
