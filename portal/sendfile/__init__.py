"""Hand a permission-checked download to the front web server.

Wagtail's document view checks who may read a document, then calls the
``SENDFILE_BACKEND`` module's ``sendfile(request, filename, **kwargs)``. These
backends answer with an empty response and a header naming the file, so nginx
(``X-Accel-Redirect`` to an ``internal`` location) or Apache/lighttpd
(``X-Sendfile``) send the bytes; the documents folder itself is never public.
"""
