"""Search backends, loaded by dotted path from settings.PORTAL_SEARCH_BACKENDS
the way Django loads cache backends."""

from __future__ import annotations

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .base import (
    IndexMissing,
    SearchBackend,
    SearchEngineUnavailable,
    SearchQueryRejected,
)

__all__ = [
    "IndexMissing",
    "SearchBackend",
    "SearchEngineUnavailable",
    "SearchQueryRejected",
    "database_backend",
    "get_search_backend",
    "reset_backends",
]

_instances: dict[str, SearchBackend] = {}


def get_search_backend(name: str | None = None) -> SearchBackend:
    """The backend called ``name`` (default: settings.SEARCH_ENGINE)."""
    name = name or settings.SEARCH_ENGINE
    if name not in _instances:
        try:
            config = dict(settings.PORTAL_SEARCH_BACKENDS[name])
        except KeyError:
            raise ValueError(
                f"Unknown search backend {name!r}; configure it in PORTAL_SEARCH_BACKENDS"
            ) from None
        backend_class = import_string(config.pop("BACKEND"))
        params = {key.lower(): value for key, value in config.items()}
        _instances[name] = backend_class(name, **params)
    return _instances[name]


def database_backend() -> SearchBackend:
    """The PostgreSQL backend: always maintained, the fallback of every engine."""
    for name, config in settings.PORTAL_SEARCH_BACKENDS.items():
        if config["BACKEND"].endswith("DatabaseSearchBackend"):
            return get_search_backend(name)
    from .database import DatabaseSearchBackend

    return DatabaseSearchBackend("database")


def reset_backends() -> None:
    for backend in _instances.values():
        close = getattr(backend, "close", None)
        if close:
            close()
    _instances.clear()


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting in {"PORTAL_SEARCH_BACKENDS", "SEARCH_ENGINE", "SEARCH_TIMEOUT_SECONDS"}:
        reset_backends()
