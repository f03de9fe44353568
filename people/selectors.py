"""Reads of the expertise directory and of mentoring, scoped to the viewer."""

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import slugify

from portal.models import ExpertiseTag, UserProfile

from .models import LessonProposal, MentoringRequest
from .vocabulary import EXPERTISE_LABELS

User = get_user_model()


def country_q(code: str, *, prefix: str = "") -> Q:
    """Profiles based in, or having worked in, the country ``code``."""
    code = code.upper()
    return Q(**{f"{prefix}country": code}) | Q(
        **{f"{prefix}countries_worked_in__regex": rf"(^|,){code}(,|$)"}
    )


def listed_profiles() -> QuerySet[UserProfile]:
    """Only members who said yes, with an active account: the one gate every
    surface (directory, country pages, search) goes through."""
    return UserProfile.objects.filter(listed_in_directory=True, user__is_active=True)


def _count(queryset, column: str = "pk"):
    return Coalesce(
        Subquery(
            queryset.order_by().values(column).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _with_contributions(profiles: QuerySet, *, viewer) -> QuerySet:
    """What each person shared that the viewer may see: resources, lessons learned
    and answers accepted in the forums."""
    from forums.models import Thread
    from forums.selectors import readable_forums_q
    from knowledge.selectors import resource_queryset_visible
    from knowledge.vocabulary import KnowledgeType

    resources = resource_queryset_visible(user=viewer).filter(owner=OuterRef("user"))
    answers = Thread.objects.filter(
        readable_forums_q(user=viewer, prefix="forum__"),
        answer__author=OuterRef("user"),
        deleted_at__isnull=True,
        is_hidden=False,
        answer__deleted_at__isnull=True,
        answer__is_hidden=False,
    )
    return profiles.annotate(
        resource_count=_count(
            resources.exclude(knowledge_type=KnowledgeType.TACIT), "owner"
        ),
        lesson_count=_count(
            resources.filter(knowledge_type=KnowledgeType.TACIT), "owner"
        ),
        answer_count=_count(answers, "answer__author"),
    )


def directory_search(
    *,
    viewer,
    q: str = "",
    expertise: str = "",
    country: str = "",
    region: str = "",
    language: str = "",
    group: int | None = None,
) -> QuerySet[UserProfile]:
    from places.regions import region_country_codes

    profiles = listed_profiles().select_related("user")
    q = (q or "").strip()
    if q:
        tagged = ExpertiseTag.objects.filter(tag__name__icontains=q).values(
            "content_object_id"
        )
        label_slugs = [
            slug
            for slug, label in EXPERTISE_LABELS.items()
            if q.lower() in str(label).lower()
        ]
        profiles = profiles.filter(
            Q(display_name__icontains=q)
            | Q(user__first_name__icontains=q)
            | Q(user__last_name__icontains=q)
            | Q(organisation__icontains=q)
            | Q(pk__in=tagged)
            | Q(tagged_items__tag__slug__in=label_slugs)
        )
    if expertise:
        profiles = profiles.filter(tagged_items__tag__slug=slugify(expertise))
    if country:
        profiles = profiles.filter(country_q(country))
    if region:
        codes = region_country_codes(region)
        where = Q(pk__in=[])
        for code in codes:
            where |= country_q(code)
        profiles = profiles.filter(where)
    if language:
        profiles = profiles.filter(languages_spoken__contains=[language])
    if group:
        from working_groups.models import Membership

        profiles = profiles.filter(
            user__memberships__group_id=group,
            user__memberships__status=Membership.Status.ACTIVE,
        )
    profiles = _with_contributions(profiles.distinct(), viewer=viewer)
    return profiles.prefetch_related("tagged_items__tag").order_by("display_name", "pk")


def directory_filter_options(*, viewer) -> dict:
    """Values present among listed members, so no filter leads to nothing."""
    from django_countries import countries

    from knowledge.vocabulary import LANGUAGE_NAMES, Region
    from places.regions import region_of
    from working_groups.models import WorkingGroupPage
    from working_groups.selectors import group_ids_for_user

    profiles = list(listed_profiles().values("country", "countries_worked_in"))
    codes = set()
    for row in profiles:
        if row["country"]:
            codes.add(str(row["country"]))
        for code in str(row["countries_worked_in"] or "").split(","):
            if code:
                codes.add(code)
    languages = set()
    for row in listed_profiles().values_list("languages_spoken", flat=True):
        languages.update(row or [])
    tags = (
        ExpertiseTag.objects.filter(content_object__in=listed_profiles())
        .values("tag__slug", "tag__name")
        .annotate(n=Count("content_object", distinct=True))
        .order_by("tag__name")
    )
    regions = {region_of(code) for code in codes} - {""}
    if getattr(viewer, "is_staff", False):
        groups = WorkingGroupPage.objects.live()
    else:
        groups = WorkingGroupPage.objects.live().filter(
            pk__in=group_ids_for_user(user=viewer)
        )
    return {
        "expertise": [
            (row["tag__slug"], EXPERTISE_LABELS.get(row["tag__slug"], row["tag__name"]))
            for row in tags
        ],
        "countries": sorted(
            ((code, str(countries.name(code))) for code in codes),
            key=lambda item: item[1],
        ),
        "regions": [
            (value, label) for value, label in Region.choices if value in regions
        ],
        "languages": sorted(
            ((code, str(LANGUAGE_NAMES.get(code, code))) for code in languages),
            key=lambda item: item[1],
        ),
        "groups": [(group.pk, group.title) for group in groups.order_by("path")],
    }


def expert_get(*, pk: int) -> User | None:
    return User.objects.filter(pk=pk, is_active=True).select_related("profile").first()


def expert_open_request_count(*, expert) -> int:
    return MentoringRequest.objects.filter(
        expert=expert, status__in=MentoringRequest.OPEN_STATUSES
    ).count()


def expert_has_capacity(*, expert) -> bool:
    capacity = expert.profile.mentoring_capacity
    return capacity > 0 and expert_open_request_count(expert=expert) < capacity


def mentoring_list_for(*, user) -> dict:
    """A member's own exchanges, asked and received."""
    base = MentoringRequest.objects.select_related(
        "requester__profile", "expert__profile"
    )
    return {
        "received": list(base.filter(expert=user)),
        "sent": list(base.filter(requester=user)),
    }


def mentoring_get(*, pk: int) -> MentoringRequest | None:
    return (
        MentoringRequest.objects.select_related(
            "requester__profile", "expert__profile", "suggested_expert__profile"
        )
        .filter(pk=pk)
        .first()
    )


def lesson_proposal_for(*, request: MentoringRequest) -> LessonProposal | None:
    return (
        LessonProposal.objects.filter(request=request)
        .select_related("resource")
        .first()
    )


def notification_list(*, user, limit: int = 50) -> list:
    """The member's mentoring notifications (the one notification system),
    each with its ``text``."""
    from notifications.models import Kind
    from notifications.selectors import notifications_for, visible_notifications

    return visible_notifications(
        user=user,
        notifications=notifications_for(user=user).filter(kind=Kind.MENTORING)[:limit],
    )


def notification_unread_count(*, user) -> int:
    from notifications.models import Kind, Notification

    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(
        recipient=user, kind=Kind.MENTORING, read_at__isnull=True
    ).count()


def mentoring_counts() -> dict:
    """Numbers only, for moderators: never who, never what about."""
    by_status = dict(
        MentoringRequest.objects.values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {
        "by_status": [
            (label, by_status.get(value, 0))
            for value, label in MentoringRequest.Status.choices
        ],
        "total": sum(by_status.values()),
        "listed_members": listed_profiles().count(),
        "lessons_submitted": LessonProposal.objects.filter(
            status=LessonProposal.Status.SUBMITTED
        ).count(),
    }


# --- A member's public contributions (issue 15) --------------------------------

CONTRIBUTIONS_PER_KIND = 10


def profile_contributions(*, viewer, person, limit: int = CONTRIBUTIONS_PER_KIND):
    """What ``person`` gave the community that ``viewer`` may read: resources and
    lessons they shared, answers accepted in discussions, and their posts. Each
    list is scoped by the same selectors as the library and the forums, so a
    profile never shows what the viewer could not open."""
    from forums.models import Post, Thread
    from forums.selectors import readable_forums_q
    from knowledge.selectors import resource_queryset_visible
    from knowledge.vocabulary import KnowledgeType

    resources = (
        resource_queryset_visible(user=viewer)
        .filter(owner=person)
        .order_by("-first_published_at", "-pk")
    )
    readable_threads = Thread.objects.filter(
        readable_forums_q(user=viewer, prefix="forum__"),
        deleted_at__isnull=True,
        is_hidden=False,
    )
    answers = (
        readable_threads.filter(
            answer__author=person,
            answer__deleted_at__isnull=True,
            answer__is_hidden=False,
        )
        .select_related("forum", "answer")
        .order_by("-answer__created_at")[:limit]
    )
    posts = (
        Post.objects.filter(
            author=person,
            deleted_at__isnull=True,
            is_hidden=False,
            thread__in=readable_threads,
        )
        .select_related("thread__forum")
        .order_by("-created_at", "-pk")[:limit]
    )
    return {
        "resources": list(
            resources.exclude(knowledge_type=KnowledgeType.TACIT)[:limit]
        ),
        "lessons": list(resources.filter(knowledge_type=KnowledgeType.TACIT)[:limit]),
        "answers": list(answers),
        "posts": list(posts),
    }
