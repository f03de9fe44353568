"""State of the configured search engine, for /healthz."""

from django.conf import settings


def search_engine_status() -> dict:
    """{"engine", "status", "documents", ...} of the configured backend; when an
    engine is configured, also whether searches currently fall back to the
    database. Never raises."""
    from .backends import database_backend, get_search_backend
    from .selectors import engine_is_paused

    try:
        backend = get_search_backend()
    except Exception as error:  # noqa: BLE001 - misconfiguration is reported, not raised
        return {
            "engine": settings.SEARCH_ENGINE,
            "status": "error",
            "error": f"{error.__class__.__name__}: {error}"[:200],
        }
    status = backend.health()
    if not backend.is_database:
        status["fallback"] = database_backend().health()
        status["serving"] = (
            "database"
            if status["status"] != "ok" or engine_is_paused(backend.name)
            else backend.name
        )
    return status
