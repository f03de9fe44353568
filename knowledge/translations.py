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
