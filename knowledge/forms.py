from html import unescape as html_unescape

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.utils import edit_string_for_tags, parse_tags

from languages.content import reader_content_language as reader_language
from working_groups.models import Visibility, WorkingGroupPage
from working_groups.selectors import group_ids_for_user

from .models import Organisation
from .models.pages import DOI_PATTERN, next_year, normalise_doi
from .selectors import SORTS, LibraryQuery
from .services import attachment_validate
from .vocabulary import (
    LANGUAGE_CHOICES,
    STRUCTURED_LESSON_FORMATS,
    Format,
    KnowledgeType,
    Level,
    Licence,
    Region,
)

MAX_ATTACHMENTS = 5


class FacetChoiceField(forms.MultipleChoiceField):
    """Values of a facet. Unknown ones are set aside (and reported) rather than
    invalidating the whole filter: a shared link with one stale value still works."""

    def clean(self, value):
        values = self.to_python(value)
        self.ignored = [item for item in values if not self.valid_value(item)]
        return [item for item in values if self.valid_value(item)]


class SlugListField(FacetChoiceField):
    """Any list of slugs (groups, tags); unknown ones simply match nothing."""

    def valid_value(self, value):
        return bool(value) and len(value) <= 100


class CountryFacetField(FacetChoiceField):
    """ISO 3166-1 codes, any case (links from the country pages and search)."""

    def to_python(self, value):
        return [str(item).strip().upper() for item in super().to_python(value)]

    def valid_value(self, value):
        from django_countries import countries

        return value in countries


class LibraryFilterForm(forms.Form):
    """The query string of /knowledge/: every filter can be bookmarked and shared.
    Filters with bad values are ignored (and reported), the others still apply."""

    q = forms.CharField(label=_("Search"), required=False, max_length=256)
    knowledge_type = FacetChoiceField(
        label=_("Knowledge type"), choices=KnowledgeType.choices, required=False
    )
    format = FacetChoiceField(label=_("Format"), choices=Format.choices, required=False)
    level = FacetChoiceField(label=_("Level"), choices=Level.choices, required=False)
    group = SlugListField(label=_("Working group"), required=False)
    tag = SlugListField(label=_("Tag"), required=False)
    language = FacetChoiceField(
        label=_("Language"), choices=LANGUAGE_CHOICES, required=False
    )
    region = FacetChoiceField(label=_("Region"), choices=Region.choices, required=False)
    country = CountryFacetField(label=_("Country"), required=False)
    year_from = forms.IntegerField(
        label=_("From year"), required=False, min_value=1900, max_value=2100
    )
    year_to = forms.IntegerField(
        label=_("To year"), required=False, min_value=1900, max_value=2100
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("newest", _("Newest first")),
            ("title", _("Title (A–Z)")),
            ("relevance", _("Relevance")),
            ("added", _("Recently added")),
        ],
    )

    def clean(self):
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from and year_to and year_from > year_to:
            self.add_error(
                "year_to", _("“To year” must be the same as or after “From year”.")
            )
        return cleaned

    @property
    def ignored_values(self) -> list[str]:
        """Facet values in the query string that are not in the vocabulary."""
        self.is_valid()
        return [
            f"{field.label}: “{value}”"
            for field in self.fields.values()
            if isinstance(field, FacetChoiceField)
            for value in getattr(field, "ignored", [])
        ]

    def to_query(self, *, lessons_first: bool = False) -> LibraryQuery:
        self.is_valid()
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors
        }
        sort = data.get("sort") or ("relevance" if data.get("q") else "newest")
        return LibraryQuery(
            q=(data.get("q") or "").strip(),
            knowledge_type=data.get("knowledge_type") or [],
            format=data.get("format") or [],
            level=data.get("level") or [],
            group=data.get("group") or [],
            tag=data.get("tag") or [],
            language=data.get("language") or [],
            region=data.get("region") or [],
            country=data.get("country") or [],
            year_from=data.get("year_from"),
            year_to=data.get("year_to") if "year_to" not in self.errors else None,
            sort=sort if sort in SORTS else "newest",
            lessons_first=lessons_first,
            reader_language=reader_language(),
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data if item]
        return [single_clean(data, initial)] if data else []


def _accept_attribute() -> str:
    return ",".join(f".{ext}" for ext in settings.WAGTAILDOCS_EXTENSIONS)


class ResourceSubmitForm(forms.Form):
    """What a member fills in to share a resource with their group."""

    group = forms.ModelChoiceField(
        label=_("Working group"),
        queryset=WorkingGroupPage.objects.none(),
        help_text=_("The group whose moderators review it, and whose members see it."),
    )
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=1200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences: what it is and who it helps."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)
    knowledge_type = forms.ChoiceField(
        label=_("Knowledge type"),
        choices=[("", _("Default for the format"))] + list(KnowledgeType.choices),
        required=False,
        help_text=_(
            "Lessons learned, stories and mentorship are tacit; the rest explicit."
        ),
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=Level.choices, initial=Level.ALL_LEVELS
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=LANGUAGE_CHOICES, initial="en"
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        choices=Region.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    authors = forms.CharField(
        label=_("Authors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, as “Family name, Given names”."),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Publishing organisations"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    publication_year = forms.IntegerField(
        label=_("Publication year"), required=False, min_value=1900
    )
    series = forms.CharField(label=_("Series"), required=False, max_length=255)
    series_number = forms.CharField(
        label=_("Number in series"), required=False, max_length=40
    )
    doi = forms.CharField(
        label=_("DOI"),
        required=False,
        max_length=255,
        help_text=_("For example 10.54676/ABCD1234."),
    )
    external_url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the resource is published, if online."),
    )
    licence = forms.ChoiceField(
        label=_("Licence"),
        choices=[("", _("Unknown"))] + list(Licence.choices),
        required=False,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas, e.g. data governance, school census."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    attachments = MultipleFileField(
        label=_("Files"),
        required=False,
        # Translated when shown, not once when the module is imported.
        help_text=lazy(
            lambda: (
                ngettext(
                    "PDF, DOCX, XLSX, CSV, ODT or PPTX; up to %(count)s file.",
                    "PDF, DOCX, XLSX, CSV, ODT or PPTX; up to %(count)s files.",
                    MAX_ATTACHMENTS,
                )
                % {"count": MAX_ATTACHMENTS}
            ),
            str,
        )(),
    )
    body_text = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Optional. Separate paragraphs with a blank line."),
    )
    lesson_context = forms.CharField(
        label=_("Context"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lesson_challenge = forms.CharField(
        label=_("Challenge"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lesson_action = forms.CharField(
        label=_("What was done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lesson_result = forms.CharField(
        label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lesson_learned = forms.CharField(
        label=_("The lesson"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for lessons learned and stories."),
    )
    lesson_recommendation = forms.CharField(
        label=_("Recommendation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lesson_contact = forms.CharField(
        label=_("Who to contact"), required=False, max_length=255
    )

    LESSON_FIELDS = [
        "lesson_context",
        "lesson_challenge",
        "lesson_action",
        "lesson_result",
        "lesson_learned",
        "lesson_recommendation",
        "lesson_contact",
    ]

    def __init__(self, *args, user, existing_attachments: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.existing_attachments = existing_attachments
        groups = WorkingGroupPage.objects.live().order_by("path")
        if user.is_staff:
            self.fields["group"].required = False
            self.fields["group"].empty_label = _("The whole community (site-wide)")
        else:
            groups = groups.filter(pk__in=group_ids_for_user(user=user))
            self.fields["group"].empty_label = None
        self.fields["group"].queryset = groups
        # Next year at most, counted when the form is built rather than at import.
        self.fields["publication_year"] = forms.IntegerField(
            label=_("Publication year"),
            required=False,
            min_value=1900,
            max_value=next_year(),
        )
        self.fields["attachments"].widget.attrs["accept"] = _accept_attribute()

    SECTIONS = {
        "resource": [
            "group",
            "title",
            "summary",
            "format",
            "knowledge_type",
            "attachments",
            "external_url",
            "body_text",
        ],
        "audience": ["visibility", "level", "language", "regions", "tags"],
        "publication": [
            "authors",
            "organisations",
            "publication_year",
            "series",
            "series_number",
            "doi",
            "licence",
        ],
    }

    @property
    def section_resource(self):
        return [self[name] for name in self.SECTIONS["resource"]]

    @property
    def section_audience(self):
        return [self[name] for name in self.SECTIONS["audience"]]

    @property
    def section_publication(self):
        return [self[name] for name in self.SECTIONS["publication"]]

    @property
    def lesson_bound_fields(self):
        return [self[name] for name in self.LESSON_FIELDS]

    def clean_doi(self):
        doi = normalise_doi(self.cleaned_data.get("doi", ""))
        if doi and not DOI_PATTERN.match(doi):
            raise forms.ValidationError(
                _("This is not a DOI. A DOI looks like 10.54676/ABCD1234.")
            )
        return doi

    def clean_tags(self):
        tags = parse_tags(self.cleaned_data.get("tags", ""))
        if any(len(tag) > 100 for tag in tags):
            raise forms.ValidationError(_("Tags are at most 100 characters long."))
        if len(tags) > 15:
            raise forms.ValidationError(_("Use at most 15 tags."))
        return tags

    def clean_attachments(self):
        uploads = self.cleaned_data.get("attachments") or []
        if len(uploads) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                ngettext(
                    "Attach at most %(count)s file.",
                    "Attach at most %(count)s files.",
                    MAX_ATTACHMENTS,
                )
                % {"count": MAX_ATTACHMENTS}
            )
        errors = []
        for upload in uploads:
            try:
                attachment_validate(upload)
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return uploads

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("visibility") == Visibility.MEMBERS
            and "group" in cleaned
            and cleaned.get("group") is None
        ):
            self.add_error(
                "visibility", _("Members-only resources need a working group.")
            )
        if (
            cleaned.get("format") in STRUCTURED_LESSON_FORMATS
            and not cleaned.get("lesson_learned", "").strip()
        ):
            self.add_error(
                "lesson_learned", _("Write down the lesson: what should others know?")
            )
        has_content = any(
            [
                self.existing_attachments,
                cleaned.get("attachments"),
                cleaned.get("external_url"),
                cleaned.get("doi"),
                (cleaned.get("body_text") or "").strip(),
                (cleaned.get("lesson_learned") or "").strip(),
            ]
        )
        if not has_content and not self.errors:
            raise forms.ValidationError(
                _("Attach a file, give a link or DOI, or describe the resource.")
            )
        return cleaned

    def submit_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "group": data.get("group"),
            "title": data["title"],
            "summary": data["summary"],
            "format": data["format"],
            "knowledge_type": data.get("knowledge_type") or None,
            "level": data["level"],
            "language": data["language"],
            "visibility": data["visibility"],
            "tags": data.get("tags") or [],
            "lesson": {
                "context": data.get("lesson_context", ""),
                "challenge": data.get("lesson_challenge", ""),
                "what_was_done": data.get("lesson_action", ""),
                "result": data.get("lesson_result", ""),
                "lesson": data.get("lesson_learned", ""),
                "recommendation": data.get("lesson_recommendation", ""),
                "contact": data.get("lesson_contact", ""),
            },
            "body_text": data.get("body_text", ""),
            "attachments": data.get("attachments") or [],
            "authors": data.get("authors", ""),
            "organisations": list(data.get("organisations") or []),
            "publication_year": data.get("publication_year"),
            "series": data.get("series", ""),
            "series_number": data.get("series_number", ""),
            "doi": data.get("doi", ""),
            "external_url": data.get("external_url", ""),
            "licence": data.get("licence", ""),
            "regions": data.get("regions") or [],
        }


class ModerationDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Request changes"))]
    )
    comment = forms.CharField(
        label=_("Comment to the submitter"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == "reject"
            and not cleaned.get("comment", "").strip()
        ):
            self.add_error(
                "comment", _("Tell the submitter what to change before rejecting.")
            )
        return cleaned


def resource_initial(draft) -> dict:
    """A resource's values as the sharing form shows them, for resubmission."""
    paragraphs = []
    for block in draft.body:
        if block.block_type == "paragraph":
            html = str(block.value.source).replace("<br/>", "\n")
            # Back to the text the submitter typed: entities decoded, or
            # "R&D" comes back as "R&amp;D" and is escaped again on resubmit.
            paragraphs.append(html_unescape(strip_tags(html)).strip())
    initial = {
        name: getattr(draft, name)
        for name in [
            "title",
            "format",
            "level",
            "language",
            "visibility",
            "authors",
            "publication_year",
            "series",
            "series_number",
            "doi",
            "external_url",
            "licence",
            "regions",
            *ResourceSubmitForm.LESSON_FIELDS,
        ]
    }
    initial.update(
        {
            "group": draft.owning_group_id,
            "summary": draft.introduction,
            "knowledge_type": draft.knowledge_type,
            "tags": edit_string_for_tags(list(draft.tags.all())),
            "organisations": [o.pk for o in draft.organisations.all()],
            "body_text": "\n\n".join(paragraphs),
        }
    )
    return initial


class ResourceResubmitForm(ResourceSubmitForm):
    """The sharing form, for changes a moderator asked for. The group stays."""

    def __init__(self, *args, resource, **kwargs):
        self.resource = resource
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        group.disabled = True
        group.required = False
        group.queryset = WorkingGroupPage.objects.filter(pk=resource.owning_group_id)
        group.help_text = _("A resource stays with the group it was shared with.")
        self.fields["attachments"].help_text = _(
            "New files are added to those already attached."
        )

    def resubmit_kwargs(self) -> dict:
        kwargs = self.submit_kwargs()
        kwargs.pop("group")
        return kwargs
