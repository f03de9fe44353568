"""X-Sendfile (Apache mod_xsendfile, lighttpd): the header names the file."""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse


def sendfile(request, filename, **kwargs):
    root = Path(settings.MEDIA_ROOT).resolve()
    path = Path(filename).resolve()
    if not path.is_relative_to(root):
        raise Http404
    response = HttpResponse()
    response["X-Sendfile"] = str(path)
    return response
