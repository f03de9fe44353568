"""Faces: a member's profile picture, or initials drawn in a colour of their own.

A picture is stored as a Wagtail image (in its own collection, under a random
file name that says nothing about its owner) with the chosen square as its focal
point; the shown picture is a ``fill`` rendition cropped to that square. The
rendition's URL is kept on the profile so lists of posts or people show faces
without a query per person.
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

AVATAR_SIZE = 192  # pixels of the rendition; shown at 24 to 96 CSS pixels
AVATAR_FILTER = f"fill-{AVATAR_SIZE}x{AVATAR_SIZE}-c100"
AVATAR_MIN_SIDE = 64
AVATAR_COLLECTION_NAME = "Profile pictures"

# Dark enough for white initials to pass WCAG AA (contrast above 4.5:1).
AVATAR_COLOURS = (
    "#1f5f8b",
    "#7a3b69",
    "#2d6a4f",
    "#8a4b08",
    "#5b4a9e",
    "#a23b3b",
    "#34656d",
    "#6b5b2a",
)


def initials_for(name: str) -> str:
    parts = [part for part in (name or "").split() if part[:1].isalnum()]
    return "".join(part[0] for part in parts[:2]).upper() or "?"


def colour_for(key) -> str:
    """The same colour for the same member on every page and every process."""
    digest = hashlib.sha256(str(key).encode()).digest()
    return AVATAR_COLOURS[digest[0] % len(AVATAR_COLOURS)]


def initials_svg(*, name: str, key, size: int = 40, decorative: bool = False) -> str:
    """Inline SVG avatar; named by ``name`` for screen readers unless the name
    is written beside it (``decorative``)."""
    label = (
        mark_safe('aria-hidden="true"')
        if decorative
        else format_html('role="img" aria-label="{}"', name)
    )
    return format_html(
        '<svg class="avatar avatar--initials" {} width="{}" height="{}" '
        'viewBox="0 0 40 40" focusable="false">'
        '<rect width="40" height="40" rx="20" fill="{}"/>'
        '<text x="20" y="20" dy=".35em" text-anchor="middle" fill="#fff" '
        'font-size="16" font-family="system-ui, sans-serif" font-weight="600">{}'
        "</text></svg>",
        label,
        size,
        size,
        colour_for(key),
        initials_for(name),
    )


@dataclass(frozen=True)
class Crop:
    """The square to keep, in percent: its side as a share of the picture's
    shorter side, and its position along the free horizontal and vertical room."""

    size: int = 100
    left: int = 50
    top: int = 50

    def box(self, width: int, height: int) -> tuple[int, int, int]:
        side = max(1, round(min(width, height) * min(max(self.size, 10), 100) / 100))
        left = round((width - side) * min(max(self.left, 0), 100) / 100)
        top = round((height - side) * min(max(self.top, 0), 100) / 100)
        return left, top, side


def _collection():
    from wagtail.models import Collection

    existing = Collection.objects.filter(name=AVATAR_COLLECTION_NAME).first()
    if existing is not None:
        return existing
    root = Collection.get_first_root_node()
    return root.add_child(name=AVATAR_COLLECTION_NAME)


def avatar_validate(upload: UploadedFile) -> None:
    """The checks Wagtail's own image upload makes (type, size, readable image,
    pixel count), plus a minimum size worth showing."""
    from wagtail.images.fields import WagtailImageField

    field = WagtailImageField(required=True)
    checked = field.clean(upload)
    image = getattr(checked, "image", None)
    if image is not None and min(image.get_size()) < AVATAR_MIN_SIDE:
        raise ValidationError(
            _("Choose a picture at least %(size)d pixels wide and high.")
            % {"size": AVATAR_MIN_SIDE},
            code="too_small",
        )
    upload.seek(0)


@transaction.atomic
def avatar_update(*, user, upload: UploadedFile, crop: Crop):
    """Store ``upload`` as ``user``'s profile picture cropped to ``crop``."""
    from wagtail.images import get_image_model

    from .selectors import profile_get

    avatar_validate(upload)
    extension = upload.name.rsplit(".", 1)[-1].lower()
    upload.name = f"avatar-{secrets.token_hex(8)}.{extension}"
    Image = get_image_model()
    image = Image(title=_("Profile picture"), file=upload, collection=_collection())
    image._set_image_file_metadata()  # width, height, size and hash from the file
    left, top, side = crop.box(image.width, image.height)
    image.focal_point_x = left + side // 2
    image.focal_point_y = top + side // 2
    image.focal_point_width = side
    image.focal_point_height = side
    image.save()
    rendition = image.get_rendition(AVATAR_FILTER)
    profile = profile_get(user=user)
    old = profile.avatar
    profile.avatar = image
    profile.avatar_url = rendition.url
    profile.save(update_fields=["avatar", "avatar_url", "updated_at"])
    if old is not None:
        transaction.on_commit(old.delete)
    return profile


@transaction.atomic
def avatar_remove(*, user):
    from .selectors import profile_get

    profile = profile_get(user=user)
    old = profile.avatar
    profile.avatar = None
    profile.avatar_url = ""
    profile.save(update_fields=["avatar", "avatar_url", "updated_at"])
    if old is not None:
        transaction.on_commit(old.delete)
    return profile


def avatar_html(user, *, size: int = 40, decorative: bool = False) -> str:
    """A member's face: their picture, or their initials."""
    if user is None:
        return initials_svg(
            name=_("Former member"), key="former", size=size, decorative=decorative
        )
    profile = getattr(user, "profile", None)
    if profile is None:
        return initials_svg(name="", key=user.pk, size=size, decorative=decorative)
    return profile_avatar_html(profile, size=size, decorative=decorative)


def profile_avatar_html(profile, *, size: int = 40, decorative: bool = False) -> str:
    name = profile.name
    if profile.avatar_url:
        return format_html(
            '<img class="avatar avatar--picture" src="{}" alt="{}" width="{}" '
            'height="{}" loading="lazy">',
            profile.avatar_url,
            "" if decorative else name,
            size,
            size,
        )
    return initials_svg(
        name=name, key=profile.user_id, size=size, decorative=decorative
    )
