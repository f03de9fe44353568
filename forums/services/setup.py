"""Creating the forums of working groups and the community forum."""

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..models import (
    Forum,
)


@transaction.atomic
def forum_for_group_ensure(*, group, public_read: bool = False) -> Forum:
    """The group's forum, created on first need (members-only by default)."""
    forum = Forum.objects.filter(group=group).first()
    if forum is not None:
        return forum
    base = slugify(group.slug)[:90] or f"group-{group.pk}"
    slug, number = base, 2
    while Forum.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return Forum.objects.create(
        group=group,
        name=group.title,
        slug=slug,
        description=group.introduction or "",
        public_read=public_read,
    )


def community_forum_get_or_create() -> Forum:
    forum = Forum.objects.filter(group__isnull=True).order_by("pk").first()
    if forum is None:
        forum, _created = Forum.objects.get_or_create(
            slug="community",
            defaults={
                "name": _("Community"),
                "description": _(
                    "The open forum: every member of the community can take part."
                ),
            },
        )
    return forum
