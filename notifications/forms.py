from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Delivery, Kind


class DeliveryPreferencesForm(forms.Form):
    """One choice per kind of notification."""

    def __init__(self, *args, initial_choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Delivery.choices,
                initial=initial_choices.get(kind),
                widget=forms.RadioSelect,
                help_text=_("How you hear about this"),
            )
