"""Checks and cleaning shared by the forum writes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import permissions
from ..models import (
    ModerationAction,
)

TITLE_MAX_LENGTH = 200


BODY_MAX_LENGTH = 20_000


def _deny(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give the discussion a title.")})
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": ngettext(
                    "Keep the title under %d character.",
                    "Keep the title under %d characters.",
                    TITLE_MAX_LENGTH,
                )
                % TITLE_MAX_LENGTH
            }
        )
    return title


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {
                "body": ngettext(
                    "Keep a post under %d character.",
                    "Keep a post under %d characters.",
                    BODY_MAX_LENGTH,
                )
                % BODY_MAX_LENGTH
            }
        )
    return body


def _log(
    *, forum, moderator, action, thread=None, post=None, target_user=None, note=""
):
    return ModerationAction.objects.create(
        forum=forum,
        moderator=moderator,
        action=action,
        thread=thread,
        post=post,
        target_user=target_user,
        note=note,
    )


def _acts_as_moderator(user, obj, forum) -> bool:
    """A moderator acting on someone else's content: that goes in the audit log."""
    return obj.author_id != user.pk and permissions.can_moderate_forum(user, forum)
