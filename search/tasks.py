"""Background work (django-tasks; immediate unless a worker backend is set)."""

from django_tasks import task


@task()
def search_index_task(source: str, ids: list[int]) -> dict:
    """Index (or remove) documents after their objects changed. Never raises:
    failures are queued for retry by search_index_sync."""
    from .services import search_index_sync

    return search_index_sync(source=source, ids=ids)
