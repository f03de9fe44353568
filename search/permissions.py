"""Who may see which search documents and manage which saved searches.

Visibility is decided at query time from the user's current memberships, never
stored per user in an index: joining or leaving a group changes what the next
search shows without reindexing anything.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchScope:
    """What a searcher may see: everything (staff), or public documents plus the
    private documents of ``group_ids``."""

    all: bool = False
    group_ids: frozenset[int] = frozenset()


PUBLIC_SCOPE = SearchScope()


def search_scope_for_user(user) -> SearchScope:
    from working_groups.selectors import group_ids_for_user

    if user is None or not getattr(user, "is_authenticated", False):
        return PUBLIC_SCOPE
    if getattr(user, "is_staff", False):
        return SearchScope(all=True)
    return SearchScope(group_ids=frozenset(group_ids_for_user(user=user)))


def can_manage_saved_search(user, saved_search) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and saved_search.user_id == user.pk
    )


def can_save_search(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))
