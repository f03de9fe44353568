"""Demo step: give each demo working group an image, drawn with Pillow at load
time (no image files are shipped, so there is no licence to track). Each is a
simple motif on the group's own colour, so the three spaces are told apart at
a glance on the group cards and banners. Idempotent: a group that has an image
keeps it, and an image drawn by an earlier run is reused."""

from io import BytesIO

from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PillowImage
from PIL import ImageDraw

WIDTH, HEIGHT = 1200, 400


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _mix(colour, other, share: float):
    return tuple(round(a + (b - a) * share) for a, b in zip(colour, other, strict=True))


def _network(draw, light, pale):
    """Technologies: nodes of a grid joined into a network."""
    nodes = [(150 + 150 * col, 80 + 120 * row) for row in range(3) for col in range(7)]
    for index, (x, y) in enumerate(nodes):
        if index % 7 != 6:
            draw.line([(x, y), nodes[index + 1]], fill=pale, width=6)
        if index + 7 < len(nodes) and (index % 3) != 1:
            draw.line([(x, y), nodes[index + 7]], fill=pale, width=6)
    for index, (x, y) in enumerate(nodes):
        radius = 26 if index % 4 == 0 else 16
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=light)


def _pillars(draw, light, pale):
    """Enabling environment: an institution's roof, pillars and steps."""
    draw.polygon([(360, 120), (600, 30), (840, 120)], fill=light)
    draw.rectangle([360, 126, 840, 146], fill=pale)
    for x in range(400, 820, 90):
        draw.rectangle([x, 160, x + 40, 320], fill=light)
    draw.rectangle([330, 330, 870, 348], fill=pale)
    draw.rectangle([300, 356, 900, 374], fill=light)


def _circle_of_peers(draw, light, pale):
    """Peer learning: people around a table, linked to each other."""
    import math

    centre_x, centre_y, ring = WIDTH // 2, HEIGHT // 2, 140
    seats = [
        (
            centre_x + ring * 1.9 * math.cos(2 * math.pi * n / 8),
            centre_y + ring * math.sin(2 * math.pi * n / 8),
        )
        for n in range(8)
    ]
    for index, seat in enumerate(seats):
        for other in seats[index + 1 :: 3]:
            draw.line([seat, other], fill=pale, width=4)
    for x, y in seats:
        draw.ellipse([x - 34, y - 34, x + 34, y + 34], fill=light)
        draw.ellipse([x - 14, y - 22, x + 14, y + 6], fill=pale)


MOTIFS = {
    "technologies-and-architectures": _network,
    "enabling-environment": _pillars,
    "peer-learning": _circle_of_peers,
}


def group_image_draw(*, slug: str, colour: str) -> bytes:
    """A PNG of the group's motif on its colour."""
    base = _rgb(colour or "#3b4cc0")
    white = (255, 255, 255)
    picture = PillowImage.new("RGB", (WIDTH, HEIGHT), base)
    draw = ImageDraw.Draw(picture)
    MOTIFS.get(slug, _network)(draw, _mix(base, white, 0.75), _mix(base, white, 0.35))
    buffer = BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _image_title(group) -> str:
    return f"Working group: {group.title}"


@transaction.atomic
def group_images_ensure(groups) -> int:
    """Give each of ``groups`` without an image its drawn one; return how many
    groups got one."""
    from wagtail.images import get_image_model

    Image = get_image_model()
    added = 0
    for group in groups:
        if group.image_id:
            continue
        title = _image_title(group)
        image = Image.objects.filter(title=title).first()
        if image is None:
            data = group_image_draw(slug=group.slug, colour=group.colour)
            image = Image(title=title)
            image.file = ImageFile(BytesIO(data), name=f"demo-group-{group.slug}.png")
            image.save()
        draft = group.get_latest_revision_as_object()
        draft.image = image
        draft.save_revision().publish()
        added += 1
    return added


def load(context) -> None:
    from working_groups.demo import GROUPS
    from working_groups.models import WorkingGroupPage

    groups = WorkingGroupPage.objects.filter(slug__in=[g["slug"] for g in GROUPS])
    added = group_images_ensure(list(groups.order_by("path")))
    context.write(f"{added} working group images drawn.")
