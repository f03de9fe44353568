from django import forms
from django.utils.translation import gettext_lazy as _


class JoinRequestForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why would you like to join?"),
        help_text=_(
            "A few sentences for the moderators: your work, what you hope to share "
            "or learn. They see it beside your profile."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, motivation_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motivation"].required = motivation_required
        if not motivation_required:
            self.fields["motivation"].label = _("Anything to tell the moderators?")
            self.fields["motivation"].help_text = _("Optional.")


class DecisionForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the applicant (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RemoveMemberForm(forms.Form):
    message = forms.CharField(
        label=_("Reason, sent to the member (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("The invitation is sent there; it is never shown publicly."),
    )
    message = forms.CharField(
        label=_("Personal message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RsvpForm(forms.Form):
    response = forms.ChoiceField(
        choices=[("going", _("Going")), ("not_going", _("Not going"))]
    )


class FeatureForm(forms.Form):
    featured = forms.BooleanField(required=False)
