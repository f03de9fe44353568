from django.conf import settings


def search_engine_status() -> dict:
    """State of the configured search engine for /healthz."""
    return {"engine": settings.SEARCH_ENGINE, "status": "ok"}
