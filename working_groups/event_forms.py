"""Forms a group's moderators use on the site to run their events. The event
form is the admin's own form class (EventPageForm: times read in the event's
zone, members-only only inside a group) with the model's clean(), so the site
and the admin accept and refuse the same things."""

import re
from html import unescape

from django import forms
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.forms import BaseChildFormSet
from taggit.forms import TagWidget
from wagtail.admin.panels import InlinePanel

from .models import EventMaterial, EventPage, EventSpeaker
from .models.events import EventPageForm, time_zone_choices

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class SpeakerFormSet(BaseChildFormSet):
    """Speakers in the order of their position; a row is removed by ticking it."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].label = _("Position")
        form.fields["ORDER"].widget.attrs.update({"min": 1, "class": "speaker-order"})
        form.fields["DELETE"].label = _("Remove this speaker")


def _speaker_formset_options() -> dict:
    """The speakers' formset as the admin's InlinePanel builds it (its fields,
    its minimum and maximum), plus one blank row for adding without script."""
    panel = next(
        panel
        for panel in EventPage.content_panels
        if isinstance(panel, InlinePanel) and panel.relation_name == "speakers"
    )
    return {
        "fields": [field.field_name for field in EventSpeaker.panels],
        "min_num": panel.min_num,
        "validate_min": panel.min_num is not None,
        "max_num": panel.max_num,
        "validate_max": panel.max_num is not None,
        "extra": 1,
        "formset": SpeakerFormSet,
    }


def html_to_text(html: str) -> str:
    """Rich text as the plain paragraphs a moderator edits on the site."""
    if not html:
        return ""
    text = re.sub(r"<br\s*/?>", "\n", html)
    text = re.sub(r"</(p|h[1-6]|li|blockquote)>", "\n\n", text)
    return re.sub(r"\n{3,}", "\n\n", unescape(strip_tags(text))).strip()


def text_to_html(text: str) -> str:
    """Plain paragraphs as escaped rich text: what people type is never HTML."""
    paragraphs = []
    for chunk in (text or "").replace("\r\n", "\n").split("\n\n"):
        chunk = chunk.strip()
        if chunk:
            lines = "<br/>".join(escape(line) for line in chunk.split("\n"))
            paragraphs.append(f"<p>{lines}</p>")
    return "".join(paragraphs)


class EventSiteForm(EventPageForm):
    """Create or edit an event from the group space."""

    description_text = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text; leave a blank line between paragraphs."),
    )
    agenda_text = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = EventPage
        fields = [
            "title",
            "introduction",
            "event_type",
            "start",
            "end",
            "time_zone",
            "online_url",
            "venue",
            "address",
            "country",
            "capacity",
            "registration_open",
            "visibility",
            "tags",
        ]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 2}),
            "start": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_FORMAT
            ),
            "end": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format=DATETIME_FORMAT
            ),
            "time_zone": forms.Select(choices=time_zone_choices),
            "address": forms.Textarea(attrs={"rows": 2}),
            "tags": TagWidget(),
        }
        formsets = {"speakers": _speaker_formset_options()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].label = _("Title")
        self.fields["introduction"].label = _("Summary")
        self.fields["time_zone"].widget.choices = time_zone_choices()
        for name in ("start", "end"):
            self.fields[name].widget.format = DATETIME_FORMAT
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        self.fields["tags"].help_text = _("Separate tags with commas.")

        self._rich_text = {}
        for name in ("description", "agenda"):
            html = getattr(self.instance, name) or ""
            self._rich_text[name] = html
            if not self.is_bound:
                self.initial[f"{name}_text"] = html_to_text(html)

    @property
    def speakers(self):
        return self.formsets["speakers"]

    def is_valid(self):
        valid = super().is_valid()
        if not self.speakers.is_valid():
            # Named in the form's error summary too, not only beside the row.
            self.add_error(None, _("Check the speakers below."))
        return valid

    def clean(self):
        # The model's clean() runs after this: it needs the slug of a new event.
        if not self.instance.slug and self.cleaned_data.get("title"):
            from .services import event_slug_generate

            self.instance.slug = event_slug_generate(self.cleaned_data["title"])
        return super().clean()

    def save(self, commit=False):
        event = super().save(commit=False)
        for name in ("description", "agenda"):
            text = self.cleaned_data.get(f"{name}_text", "")
            # Rich text written in the admin (links, lists) is kept unless the
            # moderator changed the words here.
            if text.strip() != html_to_text(self._rich_text[name]).strip():
                setattr(event, name, text_to_html(text))
        return event


class EventCancelForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the people registered"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the event page and sent to everyone registered."),
    )


class EventMaterialForm(forms.Form):
    """A recording or slides, filed into the library as a resource."""

    kind = forms.ChoiceField(label=_("Kind"), choices=EventMaterial.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    url = forms.URLField(
        assume_scheme="https",
        label=_("Link"),
        required=False,
        max_length=500,
        help_text=_("Where the recording is hosted, for example a video page."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("Slides or a report, with the same checks as the library."),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("url") and not cleaned.get("file"):
            raise forms.ValidationError(_("Give a link, a file, or both."))
        return cleaned
