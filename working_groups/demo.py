"""Demo working groups, memberships and events (see shared/PRODUCT.md).

Idempotent: everything is looked up by a natural key (slug, user × group) and
only created when missing.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from portal.demo import DemoContext, user_upsert

from .models import (
    EventIndexPage,
    EventMaterial,
    EventPage,
    EventRegistration,
    EventSpeaker,
    Membership,
    MembershipAuditEntry,
    Visibility,
    WorkingGroupIndexPage,
    WorkingGroupPage,
)

GROUPS = [
    {
        "slug": "technologies-and-architectures",
        "title": "Technologies and architectures for future EMIS",
        "short_name": "Technologies",
        "tagline": "Open standards and sustainable data platforms",
        "colour": "#3b4cc0",
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
        "tagline": "Laws, policies, governance and money that make EMIS work",
        "colour": "#b35c00",
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
        "tagline": "Countries learning from each other to use data well",
        "colour": "#00707a",
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

# Profiles for the members directory (only filled in when still empty).
PROFILES = {
    "moderator": {
        "organisation": "Ministry of National Education",
        "country": "SN",
        "job_title": "Head of education statistics",
        "bio": "Leads the national EMIS team; works on interoperability between "
        "school census and examination systems.",
        "expertise": ["interoperability", "school census", "data governance"],
    },
    "member": {
        "organisation": "UNESCO Institute for Statistics",
        "country": "CA",
        "job_title": "Statistician",
        "bio": "Works on SDG 4 indicators and data quality reviews with ministries.",
        "expertise": ["SDG 4 indicators", "data quality"],
    },
}

APPLICANT = {
    "email": "applicant@emis.example.org",
    "display_name": "Fatima Okonkwo",
    "organisation": "State Ministry of Education",
    "country": "NG",
    "job_title": "EMIS officer",
    "expertise": ["school census", "GIS"],
    "motivation": (
        "We are moving our state's school census to an open-source platform and "
        "would like to learn from other ministries' architectures."
    ),
}


def _at(days: int, hour: int, zone: str) -> datetime:
    """``days`` from today at ``hour`` o'clock in ``zone`` (aware)."""
    local_day = timezone.now().astimezone(ZoneInfo(zone)).date() + timedelta(days=days)
    return datetime(
        local_day.year, local_day.month, local_day.day, hour, tzinfo=ZoneInfo(zone)
    )


def _events(groups) -> list[dict]:
    technologies, enabling, peer = groups
    return [
        {
            "parent": technologies,
            "slug": "interoperability-standards-primer",
            "title": "Interoperability standards for EMIS: a primer",
            "introduction": "How open standards let school, teacher and examination "
            "data systems talk to each other, with examples from three ministries.",
            "event_type": "webinar",
            "start": _at(12, 14, "Europe/Paris"),
            "hours": 1.5,
            "time_zone": "Europe/Paris",
            "online_url": "https://meet.example.org/emis-interoperability",
            "agenda": "<ol><li>Why interoperability matters</li><li>Standards in "
            "use today</li><li>Questions and answers</li></ol>",
            "featured": True,
            "tags": ["interoperability", "open standards"],
            "speakers": [
                ("Amina Diallo", "Ministry of National Education, Senegal"),
                ("Jonas Berg", "Digital Public Goods Alliance"),
            ],
        },
        {
            "parent": technologies,
            "slug": "architecture-review-clinic",
            "title": "Architecture review clinic (members)",
            "introduction": "Members bring their EMIS architecture diagrams; peers "
            "review them in small groups.",
            "event_type": "workshop",
            "start": _at(26, 10, "Africa/Nairobi"),
            "hours": 3,
            "time_zone": "Africa/Nairobi",
            "online_url": "https://meet.example.org/emis-clinic",
            "capacity": 12,
            "visibility": Visibility.MEMBERS,
            "featured": True,
            "tags": ["architecture"],
        },
        {
            "parent": None,
            "slug": "emis-global-conference-2027",
            "title": "EMIS Global Conference 2027",
            "introduction": "Three days on the future of education data systems, "
            "for ministries, statisticians, NGOs and vendors.",
            "event_type": "conference",
            "start": _at(75, 9, "Africa/Nairobi"),
            "hours": 56,
            "time_zone": "Africa/Nairobi",
            "venue": "Kenyatta International Convention Centre",
            "address": "Harambee Avenue\nNairobi, Kenya",
            "capacity": 400,
            "tags": ["conference", "data use"],
        },
        {
            "parent": peer,
            "slug": "training-of-trainers-data-use",
            "title": "Training of trainers: using EMIS data for school improvement",
            "introduction": "A two-day training for district officers who train "
            "head teachers to read and use their school reports.",
            "event_type": "training",
            "start": _at(40, 8, "America/Bogota"),
            "hours": 33,
            "time_zone": "America/Bogota",
            "venue": "Ministerio de Educación Nacional",
            "address": "Calle 43 No. 57-14\nBogotá, Colombia",
            "online_url": "https://meet.example.org/emis-tot",
            "capacity": 25,
            "tags": ["capacity building", "data use"],
        },
        {
            "parent": enabling,
            "slug": "data-governance-forum-meeting",
            "title": "Data governance forum meeting",
            "introduction": "Quarterly meeting of the group's data governance forum.",
            "event_type": "forum-meeting",
            "start": _at(18, 15, "Asia/Bangkok"),
            "hours": 1,
            "time_zone": "Asia/Bangkok",
            "online_url": "https://meet.example.org/emis-governance",
            "cancelled": True,
            "cancellation_note": "Postponed to next quarter: several speakers are "
            "attending the regional ministers' meeting that week.",
            "tags": ["data governance"],
        },
        {
            "parent": enabling,
            "slug": "symposium-financing-emis",
            "title": "Symposium on financing EMIS",
            "introduction": "Costing, budgeting and sustaining EMIS beyond donor "
            "projects.",
            "event_type": "symposium",
            "start": _at(-35, 9, "Europe/Paris"),
            "hours": 8,
            "time_zone": "Europe/Paris",
            "venue": "UNESCO Headquarters",
            "address": "7 place de Fontenoy\n75007 Paris, France",
            "tags": ["financing"],
        },
        {
            "parent": technologies,
            "slug": "open-source-emis-platforms-webinar",
            "title": "Open-source EMIS platforms: lessons from five countries",
            "introduction": "Ministries that moved to open-source platforms share "
            "what worked and what they would do differently.",
            "event_type": "webinar",
            "start": _at(-20, 13, "UTC"),
            "hours": 1.5,
            "time_zone": "UTC",
            "online_url": "https://meet.example.org/emis-open-source",
            "featured": True,
            "tags": ["open source", "interoperability"],
            "recording": {
                "slug": "recording-open-source-emis-platforms",
                "title": "Recording: Open-source EMIS platforms, lessons from five "
                "countries",
                "introduction": "Video recording and slides of the group's webinar "
                "on open-source EMIS platforms.",
            },
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
        elif not group.tagline and not group.colour:
            # Groups loaded before they had an identity get theirs once.
            group = group.get_latest_revision_as_object()
            group.tagline, group.colour = data["tagline"], data["colour"]
            group.save_revision().publish()
            group = WorkingGroupPage.objects.get(pk=group.pk)
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
    _profiles(context)
    _pending_request(context, groups[0])
    _event_pages(context, home, groups)
    context.write(f"{len(groups)} working groups and their events ready.")


def _fill_profile(user, data: dict) -> None:
    profile = user.profile
    changed = False
    for field in ("organisation", "country", "job_title", "bio"):
        if data.get(field) and not getattr(profile, field):
            setattr(profile, field, data[field])
            changed = True
    if changed:
        profile.save()
    if data.get("expertise") and not profile.expertise.exists():
        profile.expertise.add(*data["expertise"])
        profile.save()


def _profiles(context: DemoContext) -> None:
    for key, data in PROFILES.items():
        _fill_profile(context.users[key], data)


def _pending_request(context: DemoContext, group: WorkingGroupPage) -> None:
    """One join request waiting in group 1's moderation queue."""
    applicant = user_upsert(
        email=APPLICANT["email"],
        display_name=APPLICANT["display_name"],
        password=None,
    )
    if applicant.has_usable_password():
        applicant.set_unusable_password()
        applicant.save(update_fields=["password"])
    _fill_profile(applicant, APPLICANT)
    membership, created = Membership.objects.get_or_create(
        user=applicant,
        group=group,
        defaults={
            "status": Membership.Status.PENDING,
            "motivation": APPLICANT["motivation"],
        },
    )
    if created:
        MembershipAuditEntry.objects.create(
            group=group,
            membership=membership,
            user=applicant,
            actor=applicant,
            action=MembershipAuditEntry.Action.REQUESTED,
            to_status=Membership.Status.PENDING,
            role=membership.role,
            message=membership.motivation,
        )


def _event_pages(context: DemoContext, home, groups) -> None:
    events_index = EventIndexPage.objects.first()
    if events_index is None:
        events_index = EventIndexPage(
            title="Events",
            slug="events",
            introduction=(
                "Webinars, conferences, symposiums, workshops, trainings and forum "
                "meetings of the community and its working groups."
            ),
        )
        home.add_child(instance=events_index)
        events_index.save_revision().publish()
    moderator = context.users["moderator"]
    for data in _events(groups):
        if EventPage.objects.filter(slug=data["slug"]).exists():
            continue
        data = dict(data)
        parent = data.pop("parent") or events_index
        hours = data.pop("hours")
        tags = data.pop("tags", [])
        speakers = data.pop("speakers", [])
        recording = data.pop("recording", None)
        event = EventPage(**data, end=data["start"] + timedelta(hours=hours))
        event.tags.add(*tags)
        event.speakers = [
            EventSpeaker(name=name, affiliation=affiliation)
            for name, affiliation in speakers
        ]
        parent.add_child(instance=event)
        # Group events are curated by group 1's moderator; the rest by the admin.
        editor = moderator if parent == groups[0] else context.users["admin"]
        event.save_revision(user=editor, log_action=True).publish(
            user=editor, skip_permission_checks=True
        )
        if recording:
            _attach_recording(event, parent, recording, editor)
    _registrations(context)


def _attach_recording(event: EventPage, parent, data: dict, editor) -> None:
    """The past webinar's recording lives in the knowledge library."""
    from knowledge.models import ResourcePage

    resource = ResourcePage.objects.filter(slug=data["slug"]).first()
    if resource is None:
        resource = ResourcePage(
            title=data["title"],
            slug=data["slug"],
            introduction=data["introduction"],
            format="webinar",
            level="international",
            language="en",
            publication_year=event.start.year,
            external_url="https://video.example.org/emis-open-source-platforms",
        )
        parent.add_child(instance=resource)
        resource.save_revision(user=editor).publish(
            user=editor, skip_permission_checks=True
        )
    event = EventPage.objects.get(pk=event.pk)
    event.materials = [EventMaterial(resource=resource, kind="recording")]
    event.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)


def _registrations(context: DemoContext) -> None:
    member = context.users["member"]
    moderator = context.users["moderator"]
    for slug, user in [
        ("interoperability-standards-primer", member),
        ("architecture-review-clinic", member),
        ("architecture-review-clinic", moderator),
        ("emis-global-conference-2027", member),
    ]:
        event = EventPage.objects.filter(slug=slug).first()
        if event is not None:
            EventRegistration.objects.get_or_create(
                event=event,
                user=user,
                defaults={"status": EventRegistration.Status.GOING},
            )
