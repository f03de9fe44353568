"""X-Accel-Redirect: nginx serves ``SENDFILE_URL/<path below MEDIA_ROOT>``
from an ``internal`` location (see deploy/nginx.conf)."""

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpResponse


def sendfile(request, filename, **kwargs):
    root = Path(settings.MEDIA_ROOT).resolve()
    path = Path(filename).resolve()
    if not path.is_relative_to(root):
        raise Http404
    response = HttpResponse()
    url = settings.SENDFILE_URL.rstrip("/") + "/" + quote(str(path.relative_to(root)))
    response["X-Accel-Redirect"] = url
    return response
