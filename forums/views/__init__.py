"""Forum pages, one module per concern. Views stay thin: selectors read, services write, permissions decide."""

from .moderation import (  # noqa: F401
    THREAD_ACTIONS,
    flag_resolve,
    forum_settings,
    moderation_log,
    moderation_overview,
    moderation_queue,
    post_hide,
    suspension_lift,
    thread_delete,
    thread_moderate,
    thread_move,
    user_suspend,
)
from .posting import (  # noqa: F401
    post_delete,
    post_edit,
    post_flag,
    post_reply,
    thread_create,
    thread_mark_answer,
    thread_promote,
)
from .reading import (  # noqa: F401
    forum_detail,
    forum_feed,
    forum_index,
    post_history,
    post_permalink,
    thread_detail,
    thread_unread,
)
from .subscriptions import (  # noqa: F401
    forum_subscribe,
    preferences,
    thread_subscribe,
    unsubscribe,
)
