from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import PageTextTranslation


class PageTextTranslationViewSet(SnippetViewSet):
    model = PageTextTranslation
    icon = "globe"
    menu_label = PageTextTranslation._meta.verbose_name_plural
    add_to_admin_menu = True
    list_display = ["page", "language", "field"]
    list_filter = ["language", "field"]


register_snippet(PageTextTranslationViewSet)
