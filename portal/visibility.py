"""One visibility rule per kind of object, and one answer when it says no.

Each app registers the rule that decides who may see its objects (a
``can_view_<object>(user, obj)`` function from its ``permissions.py``) in its
``AppConfig.ready``. Every surface that shows, counts, mails or links to an object
asks :func:`can_see` (or filters with the same app's selector, which mirrors the
rule), so a page, a feed, a notification and an admin chooser cannot disagree.

When the rule says no, the answer is the one for something that does not exist:
:func:`hidden` raises ``Http404``, and the 404 page offers visitors a sign-in link
that names nothing. A members-only item and a missing one are indistinguishable.

The core imports nothing from the apps; they hand their rules in.
"""

from collections.abc import Callable, Iterable

from django.http import Http404

Rule = Callable[[object, object], bool]

_RULES: dict[type, Rule] = {}
# Functions that load, for many users in one query, what the rules read about
# each user (their groups), so the bulk form asks the same rule per user
# without a query per user.
_PRIMERS: list[Callable[[list], None]] = []


def register(model: type, rule: Rule) -> None:
    """Declare ``rule(user, obj)`` as the visibility rule of ``model`` (and its
    subclasses, unless they register their own)."""
    _RULES[model] = rule


def rule_for(obj) -> Rule:
    for klass in type(obj).__mro__:
        if klass in _RULES:
            return _RULES[klass]
    raise LookupError(f"No visibility rule is registered for {type(obj).__name__}.")


def registered_models() -> list[type]:
    return list(_RULES)


def can_see(user, obj) -> bool:
    """Whether ``user`` may know ``obj`` exists. Inactive accounts see only what
    visitors see: their memberships no longer count."""
    if user is not None and not getattr(user, "is_active", True):
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    return bool(rule_for(obj)(user, obj))


def register_primer(primer: Callable[[list], None]) -> None:
    """Declare ``primer(users)``, which caches on each user object what the rules
    read about them, for many users at once (see :func:`readers`)."""
    if primer not in _PRIMERS:
        _PRIMERS.append(primer)


def readers(users: Iterable, obj) -> set[int]:
    """Ids of the ``users`` who may see ``obj``: the bulk form of
    :func:`can_see`, the same rule asked per user after the primers loaded what
    it reads for all of them at once (one query per primer, whatever the number
    of users)."""
    users = [user for user in users if user is not None]
    if not users:
        return set()
    for primer in _PRIMERS:
        primer(users)
    return {user.pk for user in users if can_see(user, obj)}


def recipients_who_can_see(users: Iterable, obj) -> list:
    """The users among ``users`` who may still see ``obj``, checked when a
    notification about it is about to go out (memberships change between the
    moment someone subscribed or registered and the moment something is sent)."""
    users = [user for user in users if user is not None]
    allowed = readers(users, obj)
    return [user for user in users if user.pk in allowed]


def hidden() -> Http404:
    """The answer for a private object the user may not see: the same 404 as for
    one that does not exist. Use as ``raise hidden()``."""
    return Http404("Not found")


def require_visible(user, obj):
    """``obj`` when ``user`` may see it, else the 404 of :func:`hidden`."""
    if obj is None or not can_see(user, obj):
        raise hidden()
    return obj
