"""Demo working groups and memberships (see shared/PRODUCT.md)."""

from django.db import transaction
from django.utils import timezone

from portal.demo import DemoContext

from .models import Membership, WorkingGroupIndexPage, WorkingGroupPage

GROUPS = [
    {
        "slug": "technologies-and-architectures",
        "title": "Technologies and architectures for future EMIS",
        "short_name": "Technologies",
        "introduction": "The technologies that should guide the development of future EMIS.",
        "mission": (
            "<p>We look at the technologies that should guide the development of "
            "future EMIS: interoperability, open standards, data platforms and "
            "architectures that ministries can sustain.</p>"
        ),
        "focus_areas": "Interoperability and open standards\nData platforms and architecture\n"
        "Digital public goods for education",
    },
    {
        "slug": "enabling-environment",
        "title": "Enabling environment for future EMIS",
        "short_name": "Enabling environment",
        "introduction": (
            "Legal frameworks, ICT and EMIS policies, data governance, financing."
        ),
        "mission": (
            "<p>We work on the enabling environment for future EMIS: legal "
            "frameworks, ICT and EMIS policies, data governance and financing.</p>"
        ),
        "focus_areas": "Legal frameworks\nICT and EMIS policies\nData governance\nFinancing",
    },
    {
        "slug": "peer-learning",
        "title": "Peer learning and capacity development",
        "short_name": "Peer learning",
        "introduction": (
            "Peer learning, knowledge sharing and capacity building for using EMIS well."
        ),
        "mission": (
            "<p>We support peer learning, knowledge sharing and capacity building "
            "so that EMIS data is used well, at every level.</p>"
        ),
        "focus_areas": "Peer exchanges\nMentorship\nTraining programmes",
    },
]


@transaction.atomic
def load(context: DemoContext) -> None:
    home = context.objects["home"]
    index = WorkingGroupIndexPage.objects.first()
    if index is None:
        index = WorkingGroupIndexPage(
            title="Working groups",
            slug="working-groups",
            introduction="Where the community's work happens.",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    groups = []
    for data in GROUPS:
        group = WorkingGroupPage.objects.filter(slug=data["slug"]).first()
        if group is None:
            group = WorkingGroupPage(**data)
            index.add_child(instance=group)
            group.save_revision().publish()
        groups.append(group)
    context.objects["groups"] = groups
    now = timezone.now()
    admin = context.users["admin"]
    for user_key, role in [
        ("moderator", Membership.Role.MODERATOR),
        ("member", Membership.Role.MEMBER),
    ]:
        Membership.objects.get_or_create(
            user=context.users[user_key],
            group=groups[0],
            defaults={
                "role": role,
                "status": Membership.Status.ACTIVE,
                "decided_by": admin,
                "decided_at": now,
            },
        )
    context.write(f"{len(groups)} working groups ready.")
