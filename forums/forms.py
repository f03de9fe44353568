from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Category, Flag, Forum, NotificationPreference
from .services import BODY_MAX_LENGTH, TITLE_MAX_LENGTH

MARKDOWN_HELP = _(
    "Markdown: **bold**, *italic*, [link](https://example.org), > quote, "
    "- list, `code`. Mention someone with @handle."
)


class BodyField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Your message"))
        kwargs.setdefault("max_length", BODY_MAX_LENGTH)
        kwargs.setdefault("help_text", MARKDOWN_HELP)
        kwargs.setdefault(
            "widget", forms.Textarea(attrs={"rows": 10, "class": "post-editor"})
        )
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)


class AttachmentsField(forms.FileField):
    """Several files at once: images and documents, checked like the library's."""

    class Input(forms.ClearableFileInput):
        allow_multiple_selected = True

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Attach images or documents"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _(
                "Up to 5 files: pictures (JPEG, PNG, GIF, WebP) or documents "
                "(PDF, Word, Excel, PowerPoint, OpenDocument, CSV). Only signed-in "
                "readers of the discussion can open them."
            ),
        )
        kwargs.setdefault("widget", self.Input())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data if item]
        return [single_clean(data, initial)] if data else []


class AttachmentsMixin:
    """Validates ``attachments`` with the composer's rules (forums.services.composer)."""

    existing_attachments = 0

    def clean_attachments(self):
        from .services.composer import attachments_validate

        uploads = self.cleaned_data.get("attachments") or []
        if uploads:
            attachments_validate(uploads, existing=self.existing_attachments)
        return uploads


class ThreadForm(AttachmentsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    body = BodyField()
    attachments = AttachmentsField()

    def __init__(self, *args, forum: Forum, **kwargs):
        super().__init__(*args, **kwargs)
        categories = list(forum.categories.all())
        if categories:
            self.fields["category"].queryset = Category.objects.filter(forum=forum)
            self.fields["category"].empty_label = _("General")
        else:
            del self.fields["category"]


class ReplyForm(AttachmentsMixin, forms.Form):
    body = BodyField(label=_("Your reply"))
    quoted_post = forms.IntegerField(widget=forms.HiddenInput, required=False)
    attachments = AttachmentsField()


class PostEditForm(AttachmentsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    body = BodyField()
    attachments = AttachmentsField(label=_("Attach more images or documents"))

    remove_attachments = forms.MultipleChoiceField(
        label=_("Remove attachments"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, first_post: bool, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        attachments = list(attachments)
        self.existing_attachments = len(attachments)
        self.attachments = attachments
        if attachments:
            self.fields["remove_attachments"].choices = [
                (str(item.pk), item.name) for item in attachments
            ]
        else:
            del self.fields["remove_attachments"]
        if not first_post:
            del self.fields["title"]


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Details for the moderators"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you choose “Something else”."),
    )


class MoveForm(forms.Form):
    forum = forms.ModelChoiceField(
        label=_("Move to forum"), queryset=Forum.objects.none()
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("General"),
        help_text=_("Must belong to the forum you move the discussion to."),
    )

    def __init__(self, *args, forums, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [forum.pk for forum in forums]
        self.fields["forum"].queryset = Forum.objects.filter(pk__in=ids)
        self.fields["category"].queryset = Category.objects.filter(
            forum_id__in=ids
        ).select_related("forum")
        self.fields["category"].label_from_instance = lambda c: f"{c.forum} / {c}"

    def clean(self):
        data = super().clean()
        forum, category = data.get("forum"), data.get("category")
        if forum and category and category.forum_id != forum.pk:
            self.add_error("category", _("Choose a category of that forum."))
        return data


SUSPENSION_DURATIONS = [
    ("1", _("1 day")),
    ("7", _("7 days")),
    ("30", _("30 days")),
    ("", _("Until a moderator lifts it")),
]


class SuspendForm(forms.Form):
    username = forms.CharField(
        label=_("Forum handle"),
        max_length=150,
        help_text=_("As shown after the @ in mentions."),
    )
    duration = forms.ChoiceField(
        label=_("For"), choices=SUSPENSION_DURATIONS, required=False, initial="7"
    )
    reason = forms.CharField(
        label=_("Reason (shown to the member)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip().lstrip("@")
        user = get_user_model().objects.filter(profile__handle__iexact=username).first()
        if user is None:
            raise forms.ValidationError(_("Nobody has that forum handle."))
        self.cleaned_data["user"] = user
        return username

    def ends_at(self):
        days = self.cleaned_data.get("duration")
        return timezone.now() + timedelta(days=int(days)) if days else None


class PreferenceForm(forms.ModelForm):
    """The one forum-specific choice: emails about new posts in what one
    follows (mentions and the rest are on the notification settings)."""

    class Meta:
        model = NotificationPreference
        fields = ["delivery"]
        widgets = {"delivery": forms.RadioSelect}
        labels = {"delivery": _("Emails about new posts in what you follow")}


class LessonForm(forms.Form):
    """The structured lesson learned, prefilled from the discussion."""

    title = forms.CharField(label=_("Title of the lesson"), max_length=255)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences shown in the library and in search."),
    )
    group = forms.TypedChoiceField(
        label=_("Share to working group"), coerce=int, empty_value=None
    )
    visibility = forms.ChoiceField(label=_("Who can read it"))
    level = forms.ChoiceField(label=_("Level"))
    language = forms.ChoiceField(label=_("Language"))
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate tags with commas."),
    )
    context = forms.CharField(
        label=_("Context"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where and when: country, level, system, who was involved."),
    )
    challenge = forms.CharField(
        label=_("Challenge"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    what_was_done = forms.CharField(
        label=_("What was done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    result = forms.CharField(
        label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lesson = forms.CharField(
        label=_("The lesson"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What should others take from this? One or two sentences."),
    )
    recommendation = forms.CharField(
        label=_("Recommendation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact = forms.CharField(label=_("Contact"), required=False, max_length=255)
    body_text = forms.CharField(
        label=_("The discussion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Kept with the lesson as background. Remove anything private."),
    )

    LESSON_KEYS = (
        "context",
        "challenge",
        "what_was_done",
        "result",
        "lesson",
        "recommendation",
        "contact",
    )

    def __init__(self, *args, group_choices, **kwargs):
        from knowledge.vocabulary import LANGUAGE_CHOICES, Level
        from working_groups.models import Visibility, WorkingGroupPage

        super().__init__(*args, **kwargs)
        titles = dict(
            WorkingGroupPage.objects.filter(
                pk__in=[pk for pk in group_choices if pk]
            ).values_list("pk", "title")
        )
        self.fields["group"].choices = [
            ("" if pk is None else pk, titles.get(pk, _("The library (no group)")))
            for pk in group_choices
        ]
        if len(group_choices) == 1:
            self.fields["group"].widget = forms.HiddenInput()
        self.fields["visibility"].choices = Visibility.choices
        self.fields["level"].choices = Level.choices
        self.fields["language"].choices = LANGUAGE_CHOICES

    def resource_fields(self):
        names = ("title", "summary", "group", "visibility", "level", "language", "tags")
        return [self[name] for name in names if not self[name].is_hidden]

    def lesson_fields(self):
        return [self[name] for name in self.LESSON_KEYS]

    def lesson_data(self) -> dict:
        return {key: self.cleaned_data.get(key, "") for key in self.LESSON_KEYS}

    def tag_list(self) -> list[str]:
        return [
            tag.strip()
            for tag in self.cleaned_data.get("tags", "").split(",")
            if tag.strip()
        ]


class ForumSettingsForm(forms.Form):
    public_read = forms.TypedChoiceField(
        label=_("Who can read this forum"),
        choices=[
            ("0", _("Members of the group only")),
            ("1", _("Anyone (only members post)")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        help_text=_("A private group's forum stays members-only whatever you choose."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
