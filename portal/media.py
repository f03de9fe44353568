"""Serving uploads on the development server (production: see README).

Images are public. Documents are never served from ``media/``: they go through
``/documents/<id>/<name>``, which asks who may read them and sends them as an
attachment. The check is made on the path the file server will actually open
(``//``, ``./``, ``x/../`` and case variants all normalise to the same place),
not on the raw URL.
"""

import posixpath

from django.conf import settings
from django.http import Http404
from django.views.static import serve

PRIVATE_MEDIA_FOLDERS = ("documents", "forum_attachments")


def media_path_is_private(path: str) -> bool:
    """Whether ``path`` (relative to MEDIA_ROOT) lands in a private folder once
    normalised the way ``django.views.static.serve`` normalises it."""
    normalised = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    first = normalised.split("/", 1)[0].casefold()
    return normalised.startswith("..") or first in PRIVATE_MEDIA_FOLDERS


def media_serve(request, path: str):
    if media_path_is_private(path):
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)
