"""Reads of the forums, always scoped to what the user may see."""


def thread_list_recent(*, user, limit: int = 5) -> list:
    """Recent discussions the user may read (implemented with the forums)."""
    return []
