"""Writes of the composer: files attached to posts and reactions to them."""

import os

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import permissions
from ..models import Post, PostAttachment, PostReaction

# As many files per post as a library submission takes (knowledge.forms).
POST_ATTACHMENTS_MAX = 5


def attachment_kind_validate(upload) -> str:
    """The library's checks for documents (type allow-list, size, content that
    matches the extension, archive bombs); Wagtail's image checks for pictures.
    Returns the kind of attachment."""
    from knowledge.services import attachment_validate

    name = getattr(upload, "name", "") or ""
    extension = os.path.splitext(name)[1].lstrip(".").lower()
    if extension in {ext.lower() for ext in settings.WAGTAILIMAGES_EXTENSIONS}:
        from wagtail.images.fields import WagtailImageField

        WagtailImageField(required=True).clean(upload)
        upload.seek(0)
        return PostAttachment.Kind.IMAGE
    attachment_validate(upload)  # refuses any other type with the accepted list
    return PostAttachment.Kind.DOCUMENT


def attachments_validate(uploads, *, existing: int = 0) -> list[str]:
    """Check every upload; the kinds, in order, or a ValidationError naming
    every refused file."""
    if existing + len(uploads) > POST_ATTACHMENTS_MAX:
        raise ValidationError(
            ngettext(
                "Attach at most %(count)s file to a post.",
                "Attach at most %(count)s files to a post.",
                POST_ATTACHMENTS_MAX,
            )
            % {"count": POST_ATTACHMENTS_MAX},
            code="too_many",
        )
    kinds, errors = [], []
    for upload in uploads:
        try:
            kinds.append(attachment_kind_validate(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return kinds


def _image_size(upload) -> tuple[int | None, int | None]:
    from PIL import Image

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            return image.size
    except Exception:  # noqa: BLE001 - dimensions are a nicety, not a check
        return None, None
    finally:
        upload.seek(0)


@transaction.atomic
def post_attachments_add(*, user, post: Post, uploads) -> list[PostAttachment]:
    """Attach ``uploads`` to ``post`` (its author, or a moderator editing it)."""
    if not uploads:
        return []
    if not permissions.can_attach_to_post(user, post):
        raise PermissionDenied(_("You cannot attach files to this post."))
    kinds = attachments_validate(uploads, existing=post.attachments.count())
    created = []
    for upload, kind in zip(uploads, kinds, strict=True):
        name = get_valid_filename(os.path.basename(upload.name))[:200] or "file"
        width, height = (
            _image_size(upload)
            if kind == PostAttachment.Kind.IMAGE
            else (
                None,
                None,
            )
        )
        upload.name = name
        created.append(
            PostAttachment.objects.create(
                post=post,
                file=upload,
                name=name,
                kind=kind,
                size=upload.size,
                width=width,
                height=height,
                uploaded_by=user,
            )
        )
    return created


@transaction.atomic
def post_attachment_remove(*, user, attachment: PostAttachment) -> None:
    if not permissions.can_attach_to_post(user, attachment.post):
        raise PermissionDenied(_("You cannot change this post's attachments."))
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def post_reaction_set(*, user, post: Post, kind: str, on: bool) -> bool:
    """Give (``on``) or take back one reaction. Idempotent: giving twice keeps
    one, taking back what was not given changes nothing. Returns whether the
    member's reaction of that kind now exists."""
    if kind not in PostReaction.Kind.values:
        raise ValidationError(_("Unknown reaction."))
    if not permissions.can_react_to_post(user, post):
        raise PermissionDenied(_("You cannot react to this post."))
    if on:
        PostReaction.objects.bulk_create(
            [PostReaction(post=post, user=user, kind=kind)], ignore_conflicts=True
        )
    else:
        PostReaction.objects.filter(post=post, user=user, kind=kind).delete()
    if post.author_id and post.author_id != user.pk:
        from notifications.services import post_reactions_notify_after_commit

        post_reactions_notify_after_commit(post_id=post.pk)
    return on
