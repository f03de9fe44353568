from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import SavedSearch


class SavedSearchForm(forms.ModelForm):
    """Name a search and choose how often to hear about new results."""

    class Meta:
        model = SavedSearch
        fields = ["name", "query_text", "frequency"]
        widgets = {"frequency": forms.RadioSelect}
        error_messages = {
            "name": {"required": _("Give your saved search a name.")},
        }
        help_texts = {
            "name": _("For example “Lessons on data governance”."),
            "query_text": _(
                "The words to look for; leave empty to follow the filters only."
            ),
        }

    def __init__(self, *args, filters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters = filters if filters is not None else (self.instance.filters or {})
        self.fields["query_text"].max_length = settings.SEARCH_QUERY_MAX_LENGTH

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give your saved search a name."))
        return name

    def clean_query_text(self):
        from .faceted import clean_text

        text, _shortened = clean_text(self.cleaned_data.get("query_text"))
        return text

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("query_text")
            and not self.filters
            and "query_text" not in self.errors
        ):
            self.add_error(
                "query_text",
                _(
                    "Type some words to look for (or choose filters on the search page)."
                ),
            )
        return cleaned
