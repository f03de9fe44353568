"""Mail in the recipient's language.

Wrap the rendering of each email (subject, text, HTML) in
``with recipient_language(user):``. Subjects built before that point must stay
lazy: ``lazy_percent(gettext_lazy("Welcome to %(group)s"), group=title)`` is
translated when the message is rendered, not when it is queued."""

from collections import defaultdict
from contextlib import contextmanager

from django.utils import translation
from django.utils.functional import Promise, lazy

from .selectors import language_for, languages_for_emails


@contextmanager
def recipient_language(user):
    """Render inside this block in ``user``'s preferred language."""
    with translation.override(language_for(user)):
        yield


def _percent(message, params):
    return str(message) % {
        key: str(value) if isinstance(value, Promise) else value
        for key, value in params.items()
    }


_lazy_percent = lazy(_percent, str)


def lazy_percent(message, **params):
    """``message % params``, translated in the language active when shown."""
    return _lazy_percent(message, params)


def addresses_by_language(addresses: list[str]) -> dict[str, list[str]]:
    """Group addresses by their owner's language, so a batch renders one
    message per language. Addresses without an account (invitations) get the
    language active now: the sender's."""
    known = languages_for_emails(addresses)
    current = translation.get_language()
    groups = defaultdict(list)
    for address in addresses:
        groups[known.get(address, current)].append(address)
    return dict(groups)
