from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from .input import validate_person_name
from .models import UserProfile


class SignupProfileForm(forms.Form):
    """Extra sign-up fields; allauth calls ``signup`` once the user exists."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        help_text=_("How other members will see you."),
        validators=[validate_person_name],
    )
    organisation = forms.CharField(
        label=_("Organisation"), max_length=200, required=False
    )
    country = LazyTypedChoiceField(
        label=_("Country"), choices=[("", "—")] + list(countries), required=False
    )

    def signup(self, request, user):
        from .selectors import profile_get

        profile = profile_get(user=user)
        profile.display_name = self.cleaned_data["display_name"]
        profile.organisation = self.cleaned_data.get("organisation", "")
        profile.country = self.cleaned_data.get("country", "")
        profile.save()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = UserProfile
        fields = [
            "display_name",
            "handle",
            "organisation",
            "country",
            "job_title",
            "expertise",
            "bio",
        ]
        help_texts = {
            "expertise": _("Comma-separated, e.g. data governance, school census"),
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handle"].required = False  # blank keeps the current one

    def clean_display_name(self):
        name = self.cleaned_data.get("display_name", "")
        validate_person_name(name)
        return name.strip()

    def clean_handle(self):
        handle = (self.cleaned_data.get("handle") or "").strip().lstrip("@").lower()
        if not handle:
            return self.instance.handle
        local_part = self.instance.user.email.split("@")[0].lower()
        if local_part and handle == local_part:
            raise forms.ValidationError(
                _("Choose a handle that is not the start of your email address.")
            )
        return handle


class AvatarForm(forms.Form):
    """A profile picture and the square to keep of it (in percent, so the form
    works without JavaScript; the script only shows the crop as you move it)."""

    picture = forms.FileField(
        label=_("Picture"),
        help_text=_("JPEG, PNG, GIF or WebP, at least 64 pixels on each side."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
    )
    crop_size = forms.IntegerField(
        label=_("Zoom: size of the square"),
        min_value=10,
        max_value=100,
        initial=100,
        widget=forms.NumberInput(attrs={"type": "range", "step": 1}),
        help_text=_("Percent of the picture's shorter side."),
    )
    crop_left = forms.IntegerField(
        label=_("Horizontal position"),
        min_value=0,
        max_value=100,
        initial=50,
        widget=forms.NumberInput(attrs={"type": "range", "step": 1}),
    )
    crop_top = forms.IntegerField(
        label=_("Vertical position"),
        min_value=0,
        max_value=100,
        initial=50,
        widget=forms.NumberInput(attrs={"type": "range", "step": 1}),
    )

    def clean_picture(self):
        from .avatars import avatar_validate

        picture = self.cleaned_data["picture"]
        avatar_validate(picture)
        return picture

    def crop(self):
        from .avatars import Crop

        return Crop(
            size=self.cleaned_data["crop_size"],
            left=self.cleaned_data["crop_left"],
            top=self.cleaned_data["crop_top"],
        )
