"""Writes of the expertise directory and mentoring."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.links import absolute_url
from portal.mail import mail_queue
from portal.models import UserProfile

from . import permissions
from .models import (
    LessonProposal,
    MentoringEvent,
    MentoringMessage,
    MentoringRequest,
)
from .selectors import expert_has_capacity
from .vocabulary import EXPERTISE_TAG_NAMES

Event = MentoringEvent
Status = MentoringRequest.Status


def _deny(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _notify(*, request: MentoringRequest, recipient, actor, event: str) -> None:
    """In the member's notifications at once (one recipient: written with the
    change); by email after the transaction commits, unless they chose
    otherwise."""
    from notifications.models import Kind
    from notifications.preferences import email_wanted
    from notifications.services import notifications_fan_out

    notifications_fan_out(
        kind=Kind.MENTORING,
        verb=f"mentoring_{event}",
        target="people.mentoring",
        target_id=request.pk,
        recipient_ids=[recipient.pk],
        actor_id=getattr(actor, "pk", None),
        key=f"mentoring:{request.pk}:{event}:{timezone.now().timestamp()}",
    )
    if not recipient.is_active or not email_wanted(recipient, Kind.MENTORING):
        return
    mail_queue(
        template="people/mentoring_notification",
        to=recipient.email,
        context={
            "recipient": recipient,
            "actor": actor,
            "event": MentoringEvent(event).label,
            "request": request,
            "url": absolute_url(request.get_absolute_url()),
        },
    )


# -- The directory -----------------------------------------------------------


@transaction.atomic
def directory_entry_update(
    *,
    user,
    listed: bool,
    expertise_areas: list[str] = (),
    other_expertise: str = "",
    countries_worked_in: list[str] = (),
    languages_spoken: list[str] = (),
    mentoring_capacity: int = 2,
) -> UserProfile:
    """A member's own directory entry: whether they are listed (opt-in) and what
    they offer. Vocabulary terms and free tags share the profile's expertise."""
    profile, _created = UserProfile.objects.get_or_create(user=user)
    names = [
        EXPERTISE_TAG_NAMES[slug]
        for slug in expertise_areas
        if slug in EXPERTISE_TAG_NAMES
    ]
    known = {name.lower() for name in names}
    # Comma-separated only: "examination data" is one area, not two tags.
    for name in (other_expertise or "").split(","):
        name = " ".join(name.split())[:100]
        if name and name.lower() not in known:
            names.append(name)
            known.add(name.lower())
    profile.listed_in_directory = bool(listed)
    profile.countries_worked_in = list(countries_worked_in)
    profile.languages_spoken = list(dict.fromkeys(languages_spoken))
    profile.mentoring_capacity = max(0, int(mentoring_capacity))
    profile.expertise.set(names)
    profile.save()
    return profile


# -- Mentoring ---------------------------------------------------------------


def requests_per_day() -> int:
    return int(getattr(settings, "PEOPLE_MENTORING_REQUESTS_PER_DAY", 3))


@transaction.atomic
def mentoring_request_create(
    *, requester, expert, kind: str, topic: str, context: str, country: str = ""
) -> MentoringRequest:
    _deny(
        permissions.can_request_mentoring(requester, expert),
        _("This member is not taking mentoring requests."),
    )
    # Serialise requests to one expert, so two at once cannot both fit.
    UserProfile.objects.select_for_update().filter(user=expert).first()
    since = timezone.now() - timedelta(days=1)
    recent = MentoringRequest.objects.filter(
        requester=requester, created_at__gte=since
    ).count()
    if recent >= requests_per_day():
        raise ValidationError(
            ngettext(
                "You have sent %(count)s mentoring request today; please wait "
                "for an answer before asking more people.",
                "You have sent %(count)s mentoring requests today; please wait "
                "for answers before asking more people.",
                recent,
            )
            % {"count": recent},
            code="rate_limited",
        )
    if MentoringRequest.objects.filter(
        requester=requester, expert=expert, status__in=MentoringRequest.OPEN_STATUSES
    ).exists():
        raise ValidationError(
            _("You already have an open request with this member."), code="duplicate"
        )
    if not expert_has_capacity(expert=expert):
        raise ValidationError(
            _("This member has as many open requests as they can take right now."),
            code="capacity",
        )
    if kind not in MentoringRequest.Kind.values:
        raise ValidationError({"kind": _("Choose mentoring or a one-off exchange.")})
    topic, context = (topic or "").strip(), (context or "").strip()
    if not topic or not context:
        raise ValidationError(_("Give a topic and say what you have tried."))
    request = MentoringRequest.objects.create(
        requester=requester,
        expert=expert,
        kind=kind,
        topic=topic[:200],
        context=context[:2000],
        country=country or "",
    )
    _notify(request=request, recipient=expert, actor=requester, event=Event.REQUESTED)
    return request


@transaction.atomic
def mentoring_request_answer(
    *,
    expert,
    request: MentoringRequest,
    accept: bool,
    note: str = "",
    suggested_expert=None,
) -> MentoringRequest:
    """Accept, decline, or decline while suggesting another listed member. What
    the expert answers is told to the requester only."""
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    _deny(
        permissions.can_answer_mentoring(expert, request),
        _("Only the member who was asked can answer, once."),
    )
    if suggested_expert is not None:
        if accept:
            raise ValidationError(_("Suggest someone else only when declining."))
        if suggested_expert.pk in (
            request.requester_id,
            request.expert_id,
        ) or not permissions.is_listed(suggested_expert):
            raise ValidationError(
                {"suggested_expert": _("Suggest a member listed in the directory.")}
            )
    if accept:
        request.status = Status.ACCEPTED
        event = Event.ACCEPTED
    elif suggested_expert is not None:
        request.status = Status.REDIRECTED
        request.suggested_expert = suggested_expert
        event = Event.REDIRECTED
    else:
        request.status = Status.DECLINED
        event = Event.DECLINED
    request.answer_note = (note or "").strip()[:2000]
    request.answered_at = timezone.now()
    request.save()
    _notify(request=request, recipient=request.requester, actor=expert, event=event)
    return request


@transaction.atomic
def mentoring_request_withdraw(*, requester, request: MentoringRequest):
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    _deny(
        permissions.can_withdraw_mentoring(requester, request),
        _("Only a request still waiting for an answer can be withdrawn."),
    )
    request.status = Status.WITHDRAWN
    request.closed_at = timezone.now()
    request.save()
    return request


@transaction.atomic
def mentoring_message_create(
    *, author, request: MentoringRequest, body: str
) -> MentoringMessage:
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    _deny(
        permissions.can_write_in_mentoring(author, request),
        _("Only the two participants of an open exchange can write in it."),
    )
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    message = MentoringMessage.objects.create(
        request=request, author=author, body=body[:5000]
    )
    _notify(
        request=request,
        recipient=request.other_participant(author),
        actor=author,
        event=Event.MESSAGE,
    )
    return message


@transaction.atomic
def mentoring_request_close(
    *, user, request: MentoringRequest, outcome: str
) -> MentoringRequest:
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    _deny(
        permissions.can_close_mentoring(user, request),
        _("Only the two participants of an open exchange can close it."),
    )
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Say in a few words what came of it.")})
    request.status = Status.CLOSED
    request.outcome = outcome[:2000]
    request.closed_by = user
    request.closed_at = timezone.now()
    request.save()
    _notify(
        request=request,
        recipient=request.other_participant(user),
        actor=user,
        event=Event.CLOSED,
    )
    return request


# -- From mentoring to knowledge --------------------------------------------


def lesson_group_choices(user) -> list:
    """Where a lesson may go: the proposer's working groups; the library itself
    (``None``) for staff only, as knowledge.services.resource_submit requires."""
    from working_groups.selectors import group_ids_for_user

    choices = sorted(group_ids_for_user(user=user))
    if user.is_staff:
        choices = [None, *choices]
    return choices


@transaction.atomic
def lesson_propose(
    *,
    user,
    request: MentoringRequest,
    group_id: int | None,
    title: str,
    summary: str,
    lesson: dict,
    named: bool = True,
) -> LessonProposal:
    """Propose to share the closed exchange's outcome as a lesson learned; the
    other participant must consent before anything reaches the moderators."""
    _deny(
        permissions.can_propose_lesson(user, request),
        _("Propose a lesson from your own closed exchange, once."),
    )
    if group_id not in lesson_group_choices(user):
        raise ValidationError({"group": _("Choose one of your working groups.")})
    title, summary = (title or "").strip(), (summary or "").strip()
    if not title or not summary:
        raise ValidationError(_("Give the lesson a title and a summary."))
    fields = {
        f"lesson_{key}": (lesson.get(key) or "").strip()
        for key in ("context", "challenge", "action", "result", "learned")
    }
    proposal = LessonProposal.objects.create(
        request=request,
        proposed_by=user,
        group_id=group_id,
        title=title[:255],
        summary=summary[:1000],
        proposer_named=named,
        **fields,
    )
    _notify(
        request=request,
        recipient=request.other_participant(user),
        actor=user,
        event=Event.LESSON_PROPOSED,
    )
    return proposal


@transaction.atomic
def lesson_decide(
    *, user, proposal: LessonProposal, consent: bool, named: bool = False
) -> LessonProposal:
    """The other participant's answer. With consent the lesson is shared through
    the library's moderation workflow (knowledge.services.resource_submit), as a
    draft owned by the proposer, naming only those who agreed to be named."""
    from knowledge.services import resource_submit
    from knowledge.vocabulary import Format, KnowledgeType, Level
    from working_groups.models import WorkingGroupPage

    proposal = LessonProposal.objects.select_for_update().get(pk=proposal.pk)
    _deny(
        permissions.can_decide_lesson(user, proposal),
        _("Only the other participant can answer this proposal."),
    )
    request = proposal.request
    proposal.decided_at = timezone.now()
    if not consent:
        proposal.status = LessonProposal.Status.REFUSED
        proposal.save()
        _notify(
            request=request,
            recipient=proposal.proposed_by,
            actor=user,
            event=Event.LESSON_REFUSED,
        )
        return proposal
    proposal.other_named = named
    proposer = proposal.proposed_by
    people = []
    if proposal.proposer_named:
        people.append(proposer.profile.name)
    if named:
        people.append(user.profile.name)
    group = (
        WorkingGroupPage.objects.filter(pk=proposal.group_id).first()
        if proposal.group_id
        else None
    )
    resource = resource_submit(
        submitter=proposer,
        group=group,
        title=proposal.title,
        summary=proposal.summary,
        format=Format.LESSON_LEARNED,
        knowledge_type=KnowledgeType.TACIT,
        level=Level.NATIONAL if request.country else Level.ALL_LEVELS,
        countries=[request.country.code] if request.country else [],
        tags=["mentoring"],
        authors="\n".join(people),
        lesson={
            "context": proposal.lesson_context,
            "challenge": proposal.lesson_challenge,
            "what_was_done": proposal.lesson_action,
            "result": proposal.lesson_result,
            "lesson": proposal.lesson_learned,
        },
    )
    proposal.status = LessonProposal.Status.SUBMITTED
    proposal.resource = resource
    proposal.save()
    _notify(
        request=request,
        recipient=proposer,
        actor=user,
        event=Event.LESSON_CONSENTED,
    )
    return proposal


def notifications_mark_read(*, user, request: MentoringRequest | None = None) -> int:
    """Mark read the mentoring notifications of ``user`` (of one exchange)."""
    from notifications.models import Kind, Notification

    unread = Notification.objects.filter(
        recipient=user, kind=Kind.MENTORING, read_at__isnull=True
    )
    if request is not None:
        unread = unread.filter(target="people.mentoring", target_id=request.pk)
    return unread.update(read_at=timezone.now())
