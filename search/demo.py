"""Demo step: (re)build the search index for the configured backend once every
app has loaded its demo content. Idempotent: a rebuild replaces the index."""

from .backends import SearchEngineUnavailable
from .services import active_backends, search_reindex


def load(context) -> None:
    names = [backend.name for backend in active_backends()]
    try:
        results = search_reindex(backend_names=names)
    except SearchEngineUnavailable as error:
        results = search_reindex(backend_names=names[:1])
        context.write(
            f"Search engine unavailable ({error}); the database backend was "
            "rebuilt and will answer searches. Run `manage.py search_reindex` later."
        )
    for result in results:
        context.write(f"Search index ({result.backend}): {result.indexed} documents.")
