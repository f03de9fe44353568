"""Page URLs without queries: what every page URL needs (the sites' root paths,
the paths of the index pages) computed once per process, not once per page.

Wagtail keeps the site root paths in the cache (one database read per page
when the cache is the database and no request is passed) and the portal's
index paths were looked up per item. Here they live in process memory:
cleared in this process whenever a page or a site is saved, moved, published,
unpublished or deleted, and kept at most ``TTL_SECONDS`` in other processes
(index pages and sites change rarely and only by editors).
"""

import time
from collections.abc import Callable
from threading import Lock
from typing import Any

TTL_SECONDS = 60

_memo: dict[str, tuple[float, Any]] = {}
_lock = Lock()


def cached_path(key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``'s value, kept in this process for ``TTL_SECONDS``."""
    now = time.monotonic()
    entry = _memo.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = compute()
    with _lock:
        _memo[key] = (now + TTL_SECONDS, value)
    return value


def clear() -> None:
    with _lock:
        _memo.clear()


def site_root_paths():
    """``Site.get_site_root_paths()``, per process."""
    from wagtail.models import Site

    return cached_path("site_root_paths", Site.get_site_root_paths)


def _page_or_site_changed(sender, instance=None, **kwargs):
    from wagtail.models import Page, Site

    if instance is None or isinstance(instance, Page | Site):
        clear()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (post_save, post_delete, page_published, page_unpublished):
        signal.connect(_page_or_site_changed, dispatch_uid=f"page_paths_{id(signal)}")
    post_page_move.connect(_page_or_site_changed, dispatch_uid="page_paths_move")
