from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from knowledge.vocabulary import LANGUAGE_CHOICES, Region

from .models import MentoringRequest
from .vocabulary import EXPERTISE_AREAS, EXPERTISE_SLUGS


class DirectoryEntryForm(forms.Form):
    listed = forms.BooleanField(
        label=_("List me in the expertise directory"),
        required=False,
        help_text=_(
            "Signed-in members will see your name, organisation, expertise, the "
            "countries you worked in and your languages, and may ask you for "
            "mentoring. Your email address is never shown."
        ),
    )
    expertise_areas = forms.MultipleChoiceField(
        label=_("Expertise"),
        choices=[(slug, label) for slug, _name, label in EXPERTISE_AREAS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_expertise = forms.CharField(
        label=_("Other expertise"),
        required=False,
        max_length=500,
        help_text=_("Comma-separated, e.g. examination data, enrolment projections"),
    )
    countries_worked_in = forms.MultipleChoiceField(
        label=_("Countries you have worked in"),
        choices=list(countries),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    languages_spoken = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    mentoring_capacity = forms.IntegerField(
        label=_("Open mentoring requests you accept at a time"),
        min_value=0,
        max_value=20,
        initial=2,
        help_text=_("0 means you take no new requests for now."),
    )

    @classmethod
    def initial_for(cls, profile) -> dict:
        slugs = [tag.slug for tag in profile.expertise.all()]
        return {
            "listed": profile.listed_in_directory,
            "expertise_areas": [slug for slug in slugs if slug in EXPERTISE_SLUGS],
            "other_expertise": ", ".join(
                tag.name
                for tag in profile.expertise.all()
                if tag.slug not in EXPERTISE_SLUGS
            ),
            "countries_worked_in": [c.code for c in profile.countries_worked_in],
            "languages_spoken": profile.languages_spoken,
            "mentoring_capacity": profile.mentoring_capacity,
        }


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or expertise"), required=False, max_length=100)
    expertise = forms.ChoiceField(label=_("Expertise"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=[("", _("Any region"))] + list(Region.choices),
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    group = forms.TypedChoiceField(
        label=_("Working group"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, options: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expertise"].choices = [("", _("Any expertise"))] + options[
            "expertise"
        ]
        self.fields["country"].choices = [("", _("Any country"))] + options["countries"]
        self.fields["language"].choices = [("", _("Any language"))] + options[
            "languages"
        ]
        self.fields["group"].choices = [("", _("Any group"))] + options["groups"]


class MentoringRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What you ask for"),
        choices=MentoringRequest.Kind.choices,
        widget=forms.RadioSelect,
        initial=MentoringRequest.Kind.EXCHANGE,
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    country = forms.ChoiceField(
        label=_("Country it is about"),
        required=False,
        choices=[("", "—")] + list(countries),
    )
    context = forms.CharField(
        label=_("What you have tried so far"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.profile.name


class MentoringAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            ("accept", _("Accept")),
            ("decline", _("Decline")),
            ("suggest", _("Decline and suggest someone else")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the requester (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    suggested_expert = ExpertChoiceField(
        label=_("Someone else to ask"), queryset=None, required=False
    )

    def __init__(self, *args, request: MentoringRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested_expert"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, profile__listed_in_directory=True)
            .exclude(pk__in=[request.requester_id, request.expert_id])
            .select_related("profile")
            .order_by("profile__display_name")
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "suggest" and not data.get("suggested_expert"):
            self.add_error("suggested_expert", _("Choose who to suggest."))
        return data


class MentoringMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class MentoringCloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=2000,
        help_text=_("What came of the exchange, in a few sentences."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LessonProposalForm(forms.Form):
    group = forms.TypedChoiceField(
        label=_("Share it to"), coerce=int, empty_value=None, required=False
    )
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(
        label=_("Summary"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    context = forms.CharField(
        label=_("Context"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    challenge = forms.CharField(
        label=_("Challenge"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    action = forms.CharField(
        label=_("What was done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    result = forms.CharField(
        label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    learned = forms.CharField(
        label=_("The lesson"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    named = forms.BooleanField(
        label=_("Name me as an author"), required=False, initial=True
    )

    def __init__(self, *args, group_choices: list, **kwargs):
        super().__init__(*args, **kwargs)
        from working_groups.models import WorkingGroupPage

        titles = dict(
            WorkingGroupPage.objects.filter(
                pk__in=[pk for pk in group_choices if pk]
            ).values_list("pk", "title")
        )
        self.fields["group"].choices = [
            ("" if pk is None else pk, titles.get(pk, _("The whole library")))
            for pk in group_choices
        ]


class LessonDecisionForm(forms.Form):
    consent = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            ("yes", _("Yes, share it with the community")),
            ("no", _("No, keep it between us")),
        ],
        widget=forms.RadioSelect,
    )
    named = forms.BooleanField(label=_("Name me as an author"), required=False)
