from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LanguagePreference(models.Model):
    """The language a member reads the portal and receives email in. Set by
    the language switcher and on the profile; kept apart from the profile so
    mail code can ask for it without loading the profile."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="language_preference",
    )
    language = models.CharField(
        _("preferred language"), max_length=12, choices=settings.LANGUAGES
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("language preference")
        verbose_name_plural = _("language preferences")

    def __str__(self):
        return f"{self.user_id}: {self.language}"


class PageTextTranslation(models.Model):
    """A page's own text in another language, for pages that exist once for
    everyone (the home page, a working group's space): the reader sees the
    translation in their language and the original otherwise. Resources are
    translated as whole pages instead (languages.content)."""

    class Field(models.TextChoices):
        TITLE = "title", _("title")
        INTRODUCTION = "introduction", _("introduction")
        MISSION_HEADING = "mission_heading", _("mission heading")
        MISSION = "mission", _("mission or description")
        HOW_TO_JOIN = "how_to_join", _("how to join")

    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="text_translations",
        verbose_name=_("page"),
    )
    language = models.CharField(
        _("language"), max_length=12, choices=settings.LANGUAGES
    )
    field = models.CharField(_("field"), max_length=32, choices=Field.choices)
    text = models.TextField(
        _("text"), help_text=_("Rich-text fields take the same HTML as the page.")
    )

    class Meta:
        verbose_name = _("page text translation")
        verbose_name_plural = _("page text translations")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "language", "field"],
                name="languages_one_text_per_page_language_field",
            )
        ]

    def __str__(self):
        return f"{self.page} · {self.language} · {self.field}"
