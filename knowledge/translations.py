"""A resource's linked translations (Wagtail's TranslatableMixin through
languages.content): "Also available in ..." on its page, and one library or
search entry per resource with its translations beside it."""

from languages.content import page_translations

from .permissions import can_view_resource


def resource_translations_for(*, user, resource) -> list:
    """The translations of ``resource`` that ``user`` may read."""
    return [
        translation
        for translation in page_translations(resource)
        if can_view_resource(user, translation)
    ]


def hits_with_translations(hits: list, reader_language: str) -> list:
    """One search hit per resource: hits of pages that translate each other
    are folded into one, shown in the reader's language when it is among them,
    with the others listed beside it (``hit.translations``)."""
    from .models import ResourcePage
    from .vocabulary import LANGUAGE_NAMES

    resource_ids = [hit.object_id for hit in hits if hit.kind == "resource"]
    keys = dict(
        ResourcePage.objects.filter(pk__in=resource_ids).values_list(
            "pk", "translation_key"
        )
    )
    groups: dict = {}
    for hit in hits:
        key = keys.get(hit.object_id) if hit.kind == "resource" else None
        groups.setdefault(key or ("hit", hit.key), []).append(hit)
    reader = (reader_language or "").split("-")[0]
    folded = []
    for group in groups.values():
        shown = next((hit for hit in group if hit.language == reader), group[0])
        shown.translations = [hit for hit in group if hit is not shown]
        for hit in shown.translations:
            hit.language_label = LANGUAGE_NAMES.get(hit.language, hit.language)
        folded.append(shown)
    return folded
