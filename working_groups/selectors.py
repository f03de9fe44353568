"""Reads about working groups, memberships and events, always scoped to a user."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag

from .models import (
    EventMaterial,
    EventPage,
    EventRegistration,
    EventType,
    Membership,
    MembershipAuditEntry,
    MembershipInvitation,
    Visibility,
    WorkingGroupPage,
)

# --- groups and memberships ---------------------------------------------------


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_staff", False))


def group_ids_for_user(*, user) -> set[int]:
    """Ids of the groups whose private content ``user`` may read."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache_name = "_active_group_ids"
    if not hasattr(user, cache_name):
        ids = set(
            Membership.objects.filter(
                user=user, status=Membership.Status.ACTIVE
            ).values_list("group_id", flat=True)
        )
        setattr(user, cache_name, ids)
    return getattr(user, cache_name)


def moderated_group_ids_for_user(*, user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cache_name = "_moderated_group_ids"
    if not hasattr(user, cache_name):
        ids = set(
            Membership.objects.filter(
                user=user,
                status=Membership.Status.ACTIVE,
                role=Membership.Role.MODERATOR,
            ).values_list("group_id", flat=True)
        )
        setattr(user, cache_name, ids)
    return getattr(user, cache_name)


def group_ids_prime(users) -> None:
    """Cache, on each of ``users``, the ids :func:`group_ids_for_user` and
    :func:`moderated_group_ids_for_user` answer, in one query for all of them
    (the bulk form of the visibility rules, portal.visibility.readers)."""
    users = [
        user
        for user in users
        if getattr(user, "is_authenticated", False)
        and not (
            hasattr(user, "_active_group_ids") and hasattr(user, "_moderated_group_ids")
        )
    ]
    if not users:
        return
    active = {user.pk: set() for user in users}
    moderated = {user.pk: set() for user in users}
    rows = Membership.objects.filter(
        user_id__in=list(active), status=Membership.Status.ACTIVE
    ).values_list("user_id", "group_id", "role")
    for user_id, group_id, role in rows:
        active[user_id].add(group_id)
        if role == Membership.Role.MODERATOR:
            moderated[user_id].add(group_id)
    for user in users:
        user._active_group_ids = active[user.pk]
        user._moderated_group_ids = moderated[user.pk]


def user_group_cache_clear(user) -> None:
    """Forget the group ids cached on this user object after their memberships change."""
    for name in ("_active_group_ids", "_moderated_group_ids"):
        if hasattr(user, name):
            delattr(user, name)


def group_list(*, user) -> QuerySet[WorkingGroupPage]:
    """Live groups the user may see, public ones plus private groups they belong to."""
    groups = WorkingGroupPage.objects.live().order_by("path")
    if _is_staff(user):
        return groups
    return groups.filter(
        Q(visibility=Visibility.PUBLIC) | Q(pk__in=group_ids_for_user(user=user))
    )


def group_list_for_cards(*, user) -> QuerySet[WorkingGroupPage]:
    """group_list with what the group cards show: their images and those
    images' renditions come in two queries, whatever the number of groups."""
    return (
        group_list(user=user)
        .select_related("image")
        .prefetch_related("image__renditions")
    )


def group_get(*, slug: str) -> WorkingGroupPage | None:
    """The live group with this slug; callers check can_view_group."""
    return WorkingGroupPage.objects.live().filter(slug=slug).first()


def membership_get(*, user, group: WorkingGroupPage) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, group=group).first()


def member_count(*, group: WorkingGroupPage) -> int:
    return Membership.objects.filter(
        group=group, status=Membership.Status.ACTIVE
    ).count()


def moderator_list(*, group: WorkingGroupPage) -> list[Membership]:
    return list(
        Membership.objects.filter(
            group=group,
            status=Membership.Status.ACTIVE,
            role=Membership.Role.MODERATOR,
        )
        .select_related("user__profile")
        .order_by("created_at")
    )


def member_list(
    *,
    group: WorkingGroupPage,
    country: str = "",
    organisation: str = "",
    expertise: str = "",
) -> QuerySet[Membership]:
    """Active members, moderators first, filtered like the members directory."""
    members = Membership.objects.filter(group=group, status=Membership.Status.ACTIVE)
    if country:
        members = members.filter(user__profile__country=country)
    if organisation:
        members = members.filter(user__profile__organisation__iexact=organisation)
    if expertise:
        members = members.filter(user__profile__tagged_items__tag__slug=expertise)
    return (
        members.select_related("user__profile")
        .prefetch_related("user__profile__tagged_items__tag")
        .order_by("-role", "user__profile__display_name", "user__username")
        .distinct()
    )


def member_filter_options(*, group: WorkingGroupPage) -> dict:
    """Countries, organisations and expertise tags present among active members."""
    from django_countries import countries

    from portal.models import UserProfile

    profiles = UserProfile.objects.filter(
        user__memberships__group=group,
        user__memberships__status=Membership.Status.ACTIVE,
    )
    codes = set(profiles.exclude(country="").values_list("country", flat=True))
    organisations = sorted(
        set(profiles.exclude(organisation="").values_list("organisation", flat=True)),
        key=str.casefold,
    )
    tags = (
        Tag.objects.filter(portal_expertisetag_items__content_object__in=profiles)
        .distinct()
        .order_by("name")
    )
    return {
        "countries": sorted(
            ((code, countries.name(code)) for code in codes), key=lambda c: c[1]
        ),
        "organisations": organisations,
        "expertise_tags": list(tags),
    }


def join_request_list(*, group: WorkingGroupPage) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group, status=Membership.Status.PENDING)
        .select_related("user__profile")
        .prefetch_related("user__profile__tagged_items__tag")
        .order_by("created_at")
    )


def join_request_list_for_moderator(*, user) -> QuerySet[Membership]:
    """Pending requests in every group ``user`` moderates (all of them for admins)."""
    requests = Membership.objects.filter(status=Membership.Status.PENDING)
    if not (
        getattr(user, "is_superuser", False)
        or (_is_staff(user) and user.has_perm("working_groups.change_membership"))
    ):
        requests = requests.filter(group_id__in=moderated_group_ids_for_user(user=user))
    return (
        requests.select_related("user__profile", "group")
        .prefetch_related("user__profile__tagged_items__tag")
        .order_by("created_at")
    )


def invitation_list_open(*, group: WorkingGroupPage) -> QuerySet[MembershipInvitation]:
    return MembershipInvitation.objects.filter(
        group=group,
        status=MembershipInvitation.Status.PENDING,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by__profile")


def invitation_get(*, token: str) -> MembershipInvitation | None:
    return (
        MembershipInvitation.objects.select_related("group").filter(token=token).first()
    )


def audit_entry_list(*, group: WorkingGroupPage) -> QuerySet[MembershipAuditEntry]:
    return MembershipAuditEntry.objects.filter(group=group).select_related(
        "user__profile", "actor__profile"
    )


def profile_groups(*, viewer, person) -> list[Membership]:
    """``person``'s active memberships that ``viewer`` may know about: membership
    lists are members-only, so only groups the viewer belongs to (all for staff)."""
    memberships = Membership.objects.filter(
        user=person, status=Membership.Status.ACTIVE, group__live=True
    ).select_related("group")
    if not _is_staff(viewer):
        memberships = memberships.filter(group_id__in=group_ids_for_user(user=viewer))
    return list(memberships.order_by("group__path"))


# --- events ---------------------------------------------------------------------


def event_visibility_q(*, user) -> Q:
    """Filter on EventPage keeping the events ``user`` may see. Mirrors
    permissions.can_view_event."""
    if _is_staff(user):
        return Q()
    public = Q(visibility=Visibility.PUBLIC) & (
        Q(group__isnull=True) | Q(group__visibility=Visibility.PUBLIC)
    )
    return public | Q(group_id__in=group_ids_for_user(user=user))


def _events_for(user) -> QuerySet[EventPage]:
    return (
        EventPage.objects.live()
        .public()
        .filter(event_visibility_q(user=user))
        .select_related("group")
    )


def event_list(
    *,
    user,
    past: bool = False,
    event_type: str = "",
    group: WorkingGroupPage | None = None,
    tag: str = "",
) -> QuerySet[EventPage]:
    """Upcoming (still running or to come, soonest first) or past (latest first)."""
    now = timezone.now()
    events = _events_for(user)
    if past:
        events = events.filter(end__lt=now).order_by("-start", "pk")
    else:
        events = events.filter(end__gte=now).order_by("start", "pk")
    if event_type:
        events = events.filter(event_type=event_type)
    if group is not None:
        events = events.filter(group=group)
    if tag:
        events = events.filter(tagged_items__tag__slug=tag).distinct()
    return events


def event_list_upcoming(*, user, limit: int = 4) -> list[EventPage]:
    """The next events the user may see (home page)."""
    return list(event_list(user=user)[:limit])


def event_list_featured(*, user, group: WorkingGroupPage | None = None, limit=3):
    events = event_list(user=user, group=group).filter(featured=True, cancelled=False)
    return list(events[:limit])


def event_list_public(
    *, group: WorkingGroupPage | None = None, limit: int = 200
) -> list[EventPage]:
    """Public events for public feeds: never a members-only event, never an event
    of a private group, whoever asks."""
    events = (
        EventPage.objects.live()
        .public()
        .filter(event_visibility_q(user=None))
        .select_related("group")
        .order_by("-start", "pk")
    )
    if group is not None:
        events = events.filter(group=group)
    return list(events.prefetch_related("tagged_items__tag")[:limit])


def event_list_for_calendar(
    *, user, group: WorkingGroupPage | None = None, limit: int = 200
) -> QuerySet[EventPage]:
    """A calendar file's events, newest first: what ``user`` may see of the
    group's (``user=None``: the public events of the site, whoever asks). A
    query set, not a list: the calendar reads its fields first and builds
    pages only when the file must be rendered again (working_groups.calendar).
    """
    events = (
        EventPage.objects.live().public().filter(event_visibility_q(user=user))
    ).order_by("-start", "pk")
    if group is not None:
        events = events.filter(group=group)
    return events[:limit]


def event_tag_list(*, user) -> QuerySet[Tag]:
    return (
        Tag.objects.filter(
            working_groups_eventtag_items__content_object__in=_events_for(user)
        )
        .distinct()
        .order_by("name")
    )


def registration_get(*, event: EventPage, user) -> EventRegistration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return EventRegistration.objects.filter(event=event, user=user).first()


def registration_counts(*, event: EventPage) -> dict[str, int]:
    rows = (
        EventRegistration.objects.filter(event=event)
        .values("status")
        .annotate(total=Count("pk"))
    )
    counts = dict.fromkeys(EventRegistration.Status.values, 0)
    counts.update({row["status"]: row["total"] for row in rows})
    return counts


def waitlist_position(*, registration: EventRegistration) -> int | None:
    if registration.status != EventRegistration.Status.WAITLISTED:
        return None
    ahead = EventRegistration.objects.filter(
        event_id=registration.event_id,
        status=EventRegistration.Status.WAITLISTED,
    ).filter(
        Q(status_changed_at__lt=registration.status_changed_at)
        | Q(
            status_changed_at=registration.status_changed_at,
            pk__lt=registration.pk,
        )
    )
    return ahead.count() + 1


def waitlist(*, event: EventPage) -> QuerySet[EventRegistration]:
    return EventRegistration.objects.filter(
        event=event, status=EventRegistration.Status.WAITLISTED
    ).order_by("status_changed_at", "pk")


def attendee_list(*, event: EventPage) -> QuerySet[EventRegistration]:
    return (
        EventRegistration.objects.filter(
            event=event,
            status__in=[
                EventRegistration.Status.GOING,
                EventRegistration.Status.WAITLISTED,
            ],
        )
        .select_related("user__profile")
        .order_by("status", "status_changed_at", "pk")
    )


@dataclass
class EventNeedingAttention:
    event: EventPage
    reasons: list[str]


def event_list_needing_attention(
    *, group: WorkingGroupPage
) -> list[EventNeedingAttention]:
    """Upcoming events of the group a moderator should look at, and why; plus
    recent past events still without materials."""
    return event_list_needing_attention_for_groups(group_ids=[group.pk])


def event_list_needing_attention_for_groups(
    *, group_ids
) -> list[EventNeedingAttention]:
    """The same for several groups at once, in a fixed number of queries
    whatever the number of groups and events (the moderators' inbox)."""
    now = timezone.now()
    events = (
        EventPage.objects.filter(group_id__in=list(group_ids))
        .filter(end__gte=now - timedelta(days=30))
        .select_related("group")
        .annotate(
            going=Count(
                "registrations",
                filter=Q(registrations__status=EventRegistration.Status.GOING),
            ),
            waiting=Count(
                "registrations",
                filter=Q(registrations__status=EventRegistration.Status.WAITLISTED),
            ),
            has_materials=Exists(EventMaterial.objects.filter(page=OuterRef("pk"))),
        )
        .order_by("start", "pk")
    )
    events = list(events)
    in_moderation = _in_workflow_ids([event.pk for event in events])
    flagged = []
    for event in events:
        reasons = []
        upcoming = event.end >= now
        if event.pk in in_moderation:
            reasons.append(_("Awaiting approval in the moderation workflow."))
        if not event.live:
            reasons.append(_("Not published yet."))
        elif event.has_unpublished_changes:
            reasons.append(_("Has unpublished changes."))
        if upcoming and event.cancelled and (event.going or event.waiting):
            reasons.append(_("Cancelled, with people still registered."))
        if upcoming and event.waiting:
            reasons.append(
                ngettext(
                    "%(count)s on the waiting list.",
                    "%(count)s on the waiting list.",
                    event.waiting,
                )
                % {"count": event.waiting}
            )
        elif (
            upcoming
            and event.capacity is not None
            and event.going >= event.capacity
            and not event.cancelled
        ):
            reasons.append(_("Full."))
        if not upcoming and not event.cancelled and not event.has_materials:
            reasons.append(_("Past: add the recording or slides."))
        if reasons:
            flagged.append(EventNeedingAttention(event=event, reasons=reasons))
    return flagged


def _in_workflow_ids(page_ids: list[int]) -> set[int]:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, WorkflowState

    states = WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS,
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(pk) for pk in page_ids],
    )
    return {int(object_id) for object_id in states.values_list("object_id", flat=True)}


def event_index_context(*, request, per_page: int) -> dict:
    """Filters, featured events and one page of the /events/ listing."""
    user = request.user
    params = request.GET
    past = params.get("past") == "1"
    event_type = params.get("type", "")
    if event_type not in EventType.values:
        event_type = ""
    groups = list(group_list(user=user))
    group = next((g for g in groups if g.slug == params.get("group", "")), None)
    tag = params.get("tag", "")[:100]
    events = event_list(
        user=user, past=past, event_type=event_type, group=group, tag=tag
    ).prefetch_related("tagged_items__tag")
    page_obj = Paginator(events, per_page).get_page(params.get("page"))
    filtering = bool(event_type or group or tag)
    featured = []
    if not past and not filtering and page_obj.number == 1:
        featured = event_list_featured(user=user)
    return {
        "events": page_obj.object_list,
        "page_obj": page_obj,
        "featured_events": featured,
        "past": past,
        "filters": {
            "type": event_type,
            "group": group.slug if group else "",
            "tag": tag,
        },
        "filtering": filtering,
        "filter_count": sum(1 for value in (event_type, group, tag) if value),
        "event_types": EventType.choices,
        "filter_groups": groups,
        "filter_tags": event_tag_list(user=user),
    }


def event_page_context(*, request, event: EventPage) -> dict:
    from .permissions import can_edit_event, can_rsvp_event

    user = request.user
    registration = registration_get(event=event, user=user)
    counts = registration_counts(event=event)
    places_left = None
    if event.capacity is not None:
        places_left = max(event.capacity - counts[EventRegistration.Status.GOING], 0)
    can_edit = can_edit_event(user, event)
    return {
        "registration": registration,
        "waitlist_position": waitlist_position(registration=registration)
        if registration
        else None,
        "going_count": counts[EventRegistration.Status.GOING],
        "waiting_count": counts[EventRegistration.Status.WAITLISTED],
        "places_left": places_left,
        "can_rsvp": can_rsvp_event(user, event),
        "can_edit_event": can_edit,
        "attendees": list(attendee_list(event=event)) if can_edit else [],
        "speakers": list(event.speakers.all()),
        "materials": event_material_list(user=user, event=event),
    }


def event_material_list(*, user, event: EventPage) -> list[EventMaterial]:
    """Materials linked to the event that this user may open (a members-only
    recording stays members-only even on a public event)."""
    from knowledge.selectors import resource_queryset_visible

    materials = list(event.materials.all())
    if not materials:
        return []
    resources = {
        resource.pk: resource
        for resource in resource_queryset_visible(user=user).filter(
            pk__in=[material.resource_id for material in materials]
        )
    }
    visible = []
    for material in materials:
        if material.resource_id in resources:
            material.resource = resources[material.resource_id]
            visible.append(material)
    return visible


# --- a group's space ------------------------------------------------------------


def _resources_for_group(*, user, group, limit: int, featured: bool | None) -> list:
    from knowledge.selectors import resource_list_for_group

    return resource_list_for_group(
        user=user, group=group, limit=limit, featured=featured
    )


def _threads_for_group(*, user, group, limit: int) -> list:
    from forums.selectors import thread_list_recent

    return thread_list_recent(user=user, group=group, limit=limit)


@dataclass
class ActivityItem:
    when: datetime
    kind: str
    label: str
    title: str
    url: str


def group_activity(
    *,
    user,
    group: WorkingGroupPage,
    limit: int = 10,
    resources: list | None = None,
    threads: list | None = None,
) -> list[ActivityItem]:
    """What happened lately in the group, newest first, from what ``user`` may see.
    New members are listed only to members: the member list is members-only."""
    from .permissions import can_view_private_content

    items: list[ActivityItem] = []
    # Only what an activity line shows and its link needs (whole event pages
    # and their groups cost ~1 ms each to build).
    events = (
        _events_for(user)
        .filter(group=group, first_published_at__isnull=False)
        .select_related(None)
        .only(
            "title",
            "slug",
            "url_path",
            "path",
            "depth",
            "locale_id",
            "content_type_id",
            "live",
            "first_published_at",
        )
        .order_by("-first_published_at")[:limit]
    )
    for event in events:
        items.append(
            ActivityItem(
                event.first_published_at,
                "event",
                _("New event"),
                event.title,
                event.get_url(),
            )
        )
    if resources is None:
        resources = _resources_for_group(
            user=user, group=group, limit=limit, featured=None
        )
    for resource in resources:
        when = getattr(resource, "first_published_at", None)
        if when:
            items.append(
                ActivityItem(
                    when, "resource", _("New resource"), resource.title, resource.url
                )
            )
    if threads is None:
        threads = _threads_for_group(user=user, group=group, limit=limit)
    for thread in threads:
        when = getattr(thread, "last_post_at", None) or getattr(
            thread, "created_at", None
        )
        if when:
            items.append(
                ActivityItem(
                    when,
                    "discussion",
                    _("Discussion"),
                    thread.title,
                    thread.get_absolute_url(),
                )
            )
    if can_view_private_content(user, group):
        joins = (
            MembershipAuditEntry.objects.filter(
                group=group,
                action__in=[
                    MembershipAuditEntry.Action.APPROVED,
                    MembershipAuditEntry.Action.JOINED,
                    MembershipAuditEntry.Action.INVITATION_ACCEPTED,
                ],
                user__isnull=False,
            )
            .select_related("user__profile")
            .order_by("-created_at")[:limit]
        )
        for entry in joins:
            items.append(
                ActivityItem(
                    entry.created_at,
                    "member",
                    _("New member"),
                    entry.user.profile.name,
                    "",
                )
            )
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:limit]


def group_space(*, user, group: WorkingGroupPage) -> dict:
    """Everything the group page shows, scoped to the viewer."""
    from .permissions import (
        can_manage_group_events,
        can_moderate_group,
        can_request_membership,
        can_view_members,
        can_view_private_content,
    )

    membership = membership_get(user=user, group=group)
    # Featured first, then newest: the featured ones (up to 4) are the first
    # rows of the latest six, so one sorted read of the group's resources
    # answers both (each read sorts every resource of a mature group).
    latest_resources = _resources_for_group(
        user=user, group=group, limit=6, featured=None
    )
    featured_resources = [
        resource for resource in latest_resources if resource.featured_here
    ][:4]
    threads = _threads_for_group(user=user, group=group, limit=5)
    can_moderate = can_moderate_group(user, group)
    return {
        "membership": membership,
        "member_count": member_count(group=group),
        "moderators": moderator_list(group=group),
        "featured_resources": featured_resources,
        "latest_resources": latest_resources,
        "upcoming_events": list(event_list(user=user, group=group)[:5]),
        "recent_threads": threads,
        "activity": group_activity(
            user=user,
            group=group,
            limit=10,
            resources=latest_resources,
            threads=threads,
        ),
        "can_request_membership": can_request_membership(user, group),
        "can_view_members": can_view_members(user, group),
        "can_view_private_content": can_view_private_content(user, group),
        "can_moderate": can_moderate,
        "can_manage_events": can_moderate and can_manage_group_events(user, group),
        "discussions_members_only": _discussions_members_only(user=user, group=group),
        "pending_request_count": join_request_list(group=group).count()
        if can_moderate
        else 0,
    }


def _discussions_members_only(*, user, group: WorkingGroupPage) -> bool:
    """The group has a forum this user may not read: say so rather than
    "no discussions yet"."""
    from forums.permissions import can_read_forum

    forum = _group_forum(group=group)
    return forum is not None and not can_read_forum(user, forum)


def moderation_queue(*, user, group: WorkingGroupPage) -> dict:
    """What waits for a group's moderators: requests, resources, flags, events."""
    return {
        "join_requests": list(join_request_list(group=group)),
        "pending_resources": _pending_resources(group=group),
        "open_flags": _open_flags(group=group),
        "group_forum": _group_forum(group=group),
        "events_needing_attention": event_list_needing_attention(group=group),
        "open_invitations": list(invitation_list_open(group=group)),
        "audit_entries": list(audit_entry_list(group=group)[:15]),
    }


def _pending_resources(*, group) -> list:
    from knowledge.selectors import resource_list_pending_for_group

    return list(resource_list_pending_for_group(group=group))


def _group_forum(*, group):
    from forums.selectors import forum_for_group

    return forum_for_group(group=group)


def _open_flags(*, group) -> list:
    from forums.selectors import flag_list_open

    return list(flag_list_open(group=group))


def admin_page_visibility_q(*, user) -> Q:
    """The pages of the tree ``user`` may know of in the Wagtail admin (page
    chooser, its search): the same rule as on the site, plus the drafts of their
    own groups and their own drafts. Staff see the whole tree."""
    from knowledge.models import ResourcePage

    if _is_staff(user) or getattr(user, "is_superuser", False):
        return Q()
    mine = group_ids_for_user(user=user)
    members_only = [
        *ResourcePage.objects.filter(visibility=Visibility.MEMBERS)
        .exclude(groups__in=mine)
        .values_list("pk", flat=True),
        *EventPage.objects.filter(visibility=Visibility.MEMBERS).values_list(
            "pk", flat=True
        ),
    ]
    own_subtrees = Q(pk__in=[])
    hidden = Q(pk__in=[])
    for group in WorkingGroupPage.objects.only("path", "visibility"):
        subtree = Q(path__startswith=group.path)
        if group.pk in mine:
            own_subtrees |= subtree
        elif group.visibility != Visibility.PUBLIC:
            hidden |= subtree
        else:
            hidden |= subtree & (Q(live=False) | Q(pk__in=members_only))
    hidden |= Q(live=False) & ~own_subtrees & ~Q(owner=user)
    return ~hidden


def event_list_for_management(*, group: WorkingGroupPage) -> dict[str, list]:
    """Every event below the group, published or not, for its moderators:
    coming (soonest first) and past (latest first), with their material count."""
    from django.db.models import Count

    events = list(
        EventPage.objects.filter(group=group)
        .select_related("group")
        .annotate(material_count=Count("materials", distinct=True))
        .order_by("start", "pk")
    )
    in_workflow = _in_workflow_ids([event.pk for event in events])
    now = timezone.now()
    for event in events:
        event.in_moderation = event.pk in in_workflow
    return {
        "coming": [event for event in events if event.end >= now],
        "past": [event for event in reversed(events) if event.end < now],
    }


def event_materials_for_resource(*, user, resource) -> list[EventMaterial]:
    """The events a resource was filed from (its recording, slides...), those
    ``user`` may see: the resource page links back to them."""
    materials = list(
        EventMaterial.objects.filter(resource=resource)
        .select_related("page")
        .order_by("-page__start")
    )
    if not materials:
        return []  # most resources: no second query for the visible events
    visible = set(
        _events_for(user)
        .filter(pk__in=[material.page_id for material in materials])
        .values_list("pk", flat=True)
    )
    return [material for material in materials if material.page_id in visible]


# --- the visitor home's hero: public things only, whoever asks ----------------------


def event_count_public() -> int:
    return (
        EventPage.objects.live().public().filter(event_visibility_q(user=None)).count()
    )


def event_next_public() -> EventPage | None:
    """The next public event that is not cancelled."""
    return (
        EventPage.objects.live()
        .public()
        .filter(event_visibility_q(user=None), end__gte=timezone.now(), cancelled=False)
        .select_related("group")
        .order_by("start", "pk")
        .first()
    )


def member_count_public() -> int:
    """People in at least one public working group: a number, never who."""
    return (
        Membership.objects.filter(
            status=Membership.Status.ACTIVE,
            group__live=True,
            group__visibility=Visibility.PUBLIC,
        )
        .values("user")
        .distinct()
        .count()
    )
