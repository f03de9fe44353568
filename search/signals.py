"""Signals only queue indexing, after the transaction commits, passing ids.

Every provider's model is watched: saves (publishing, unpublishing, editing and
visibility changes all save), deletions, and Wagtail page moves (URLs and
parent groups change for the whole subtree). Membership changes need nothing:
visibility is filtered at query time from the user's current groups.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_unpublished, post_page_move

from .documents import providers
from .services import index_after_commit


def _on_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for provider in providers().values():
        if provider.handles(instance):
            index_after_commit(provider.label, [instance.pk])
        dependent = provider.dependent_ids(instance)
        if dependent:
            index_after_commit(provider.label, dependent)


def _on_delete(sender, instance, **kwargs):
    for provider in providers().values():
        if provider.handles(instance):
            # The object is gone: the provider will answer None and the
            # document is removed.
            index_after_commit(provider.label, [instance.pk])


def _on_unpublish(sender, instance, **kwargs):
    _on_save(sender, instance)


def _on_move(sender, instance, **kwargs):
    """A moved page changes the URL (and maybe the group) of its whole subtree."""
    subtree = Page.objects.descendant_of(instance, inclusive=True)
    for provider in providers().values():
        model = provider.model
        if model is not None and issubclass(model, Page):
            ids = list(subtree.type(model).values_list("pk", flat=True))
            if ids:
                index_after_commit(provider.label, ids)


def connect() -> None:
    watched = set()
    for provider in providers().values():
        if provider.model is not None:
            watched.add(provider.model)
            if issubclass(provider.model, Page):
                watched.add(Page)
        watched.update(provider.dependencies)
    for model in watched:
        uid = f"search-{model._meta.label_lower}"
        post_save.connect(
            _on_save, sender=model, weak=False, dispatch_uid=uid + "-save"
        )
        post_delete.connect(
            _on_delete, sender=model, weak=False, dispatch_uid=uid + "-delete"
        )
    page_unpublished.connect(_on_unpublish, weak=False, dispatch_uid="search-unpublish")
    post_page_move.connect(_on_move, weak=False, dispatch_uid="search-move")
