"""Who may see the directory and take part in mentoring. A mentoring exchange is
for its two participants only: no role, not even staff, reads it."""

from .models import LessonProposal, MentoringRequest


def _is_member(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_view_directory(user) -> bool:
    """The directory is for signed-in members of the community."""
    return _is_member(user)


def is_listed(person) -> bool:
    profile = getattr(person, "profile", None)
    return bool(person.is_active and profile and profile.listed_in_directory)


def can_view_expert(user, person) -> bool:
    """Listed members, to signed-in members; one's own entry always."""
    if not _is_member(user):
        return False
    return person.pk == user.pk or is_listed(person)


def can_request_mentoring(user, expert) -> bool:
    return _is_member(user) and expert.pk != user.pk and is_listed(expert)


def is_participant(user, request: MentoringRequest) -> bool:
    return _is_member(user) and user.pk in (request.requester_id, request.expert_id)


def can_view_mentoring(user, request: MentoringRequest) -> bool:
    return is_participant(user, request)


def can_answer_mentoring(user, request: MentoringRequest) -> bool:
    return (
        _is_member(user)
        and user.pk == request.expert_id
        and request.status == MentoringRequest.Status.PENDING
    )


def can_withdraw_mentoring(user, request: MentoringRequest) -> bool:
    return (
        _is_member(user)
        and user.pk == request.requester_id
        and request.status == MentoringRequest.Status.PENDING
    )


def can_write_in_mentoring(user, request: MentoringRequest) -> bool:
    return (
        is_participant(user, request)
        and request.status == MentoringRequest.Status.ACCEPTED
    )


def can_close_mentoring(user, request: MentoringRequest) -> bool:
    return can_write_in_mentoring(user, request)


def can_propose_lesson(user, request: MentoringRequest) -> bool:
    """Once an exchange is closed, either side may propose one lesson from it."""
    return (
        is_participant(user, request)
        and request.status == MentoringRequest.Status.CLOSED
        and not LessonProposal.objects.filter(request=request).exists()
    )


def can_decide_lesson(user, proposal: LessonProposal) -> bool:
    """The other participant consents (or not) to the proposal."""
    return (
        is_participant(user, proposal.request)
        and user.pk != proposal.proposed_by_id
        and proposal.status == LessonProposal.Status.AWAITING_CONSENT
    )


def can_view_mentoring_counts(user) -> bool:
    """Moderators and staff see how mentoring is used, in numbers only."""
    if not _is_member(user):
        return False
    if user.is_staff:
        return True
    from working_groups.selectors import moderated_group_ids_for_user

    return bool(moderated_group_ids_for_user(user=user))
