"""Reads of the knowledge library, always scoped to what the user may see."""


def resource_list_latest(*, user, limit: int = 6) -> list:
    """Latest resources the user may see (implemented with the library)."""
    return []
