"""Mentoring from request to published lesson, with its limits."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from knowledge.models import ResourcePage
from languages.services import language_preference_set
from notifications.models import Notification
from people.models import LessonProposal, MentoringRequest
from people.services import (
    directory_entry_update,
    lesson_decide,
    lesson_propose,
    mentoring_message_create,
    mentoring_request_answer,
    mentoring_request_close,
    mentoring_request_withdraw,
)
from portal.models import OutboxMessage
from tests.factories import UserFactory
from tests.factories.people import expert_create, mentoring_create

pytestmark = pytest.mark.django_db


def test_request_notifies_the_expert_on_the_site_and_by_email(
    expert, requester, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = mentoring_create(requester=requester, expert=expert, country="SN")
    assert request.status == MentoringRequest.Status.PENDING
    note = Notification.objects.get(recipient=expert)
    assert note.verb == "mentoring_requested" and note.read_at is None
    assert [message.to for message in mailoutbox] == [[expert.email]]
    assert "Lin Wei asked you for mentoring" in mailoutbox[0].subject
    assert f"/people/mentoring/{request.pk}/" in mailoutbox[0].body
    assert "paper forms" not in mailoutbox[0].body  # the context stays on the site


def test_mentoring_mail_goes_through_the_outbox_in_each_recipients_language(
    expert, requester, mailoutbox, django_capture_on_commit_callbacks
):
    language_preference_set(user=expert, language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        request = mentoring_create(requester=requester, expert=expert)
    with django_capture_on_commit_callbacks(execute=True):
        mentoring_request_answer(expert=expert, request=request, accept=True)
    queued = OutboxMessage.objects.filter(template="people/mentoring_notification")
    assert sorted(queued.values_list("to_email", flat=True)) == sorted(
        [expert.email, requester.email]
    )
    to_expert, to_requester = (
        next(message for message in mailoutbox if message.to == [user.email])
        for user in (expert, requester)
    )
    assert "vous a sollicité pour du mentorat" in to_expert.subject
    assert "Bonjour Awa Ndiaye" in to_expert.body
    assert "Lin Wei asked you" not in to_expert.subject
    assert "Awa Ndiaye accepted your request" in to_requester.subject
    assert "Hello Lin Wei" in to_requester.body


def test_an_expert_at_capacity_takes_no_new_request(expert, requester):
    directory_entry_update(user=expert, listed=True, mentoring_capacity=1)
    mentoring_create(requester=UserFactory(), expert=expert)
    with pytest.raises(ValidationError) as error:
        mentoring_create(requester=requester, expert=expert)
    assert error.value.code == "capacity"


def test_closing_frees_capacity(expert, requester):
    directory_entry_update(user=expert, listed=True, mentoring_capacity=1)
    first = mentoring_create(requester=UserFactory(), expert=expert, accept=True)
    mentoring_request_close(user=expert, request=first, outcome="Done.")
    assert mentoring_create(requester=requester, expert=expert).status == "pending"


def test_capacity_zero_pauses_requests(expert, requester):
    directory_entry_update(user=expert, listed=True, mentoring_capacity=0)
    with pytest.raises(ValidationError):
        mentoring_create(requester=requester, expert=expert)


@override_settings(PEOPLE_MENTORING_REQUESTS_PER_DAY=2)
def test_requests_are_rate_limited_per_day(requester):
    experts = [expert_create(f"expert{n}", capacity=5) for n in range(3)]
    mentoring_create(requester=requester, expert=experts[0])
    mentoring_create(requester=requester, expert=experts[1])
    with pytest.raises(ValidationError) as error:
        mentoring_create(requester=requester, expert=experts[2])
    assert error.value.code == "rate_limited"


def test_one_open_request_per_pair(expert, requester):
    mentoring_create(requester=requester, expert=expert)
    with pytest.raises(ValidationError) as error:
        mentoring_create(requester=requester, expert=expert)
    assert error.value.code == "duplicate"


def test_nobody_asks_themselves(expert):
    with pytest.raises(PermissionDenied):
        mentoring_create(requester=expert, expert=expert)


def test_decline_with_a_suggestion_points_to_another_listed_expert(expert, requester):
    other = expert_create("other", display_name="Other Expert")
    request = mentoring_create(requester=requester, expert=expert)
    request = mentoring_request_answer(
        expert=expert, request=request, accept=False, suggested_expert=other
    )
    assert request.status == "redirected"
    assert request.suggested_expert == other
    assert Notification.objects.filter(
        recipient=requester, verb="mentoring_redirected"
    ).exists()


def test_only_listed_members_can_be_suggested(expert, requester):
    request = mentoring_create(requester=requester, expert=expert)
    with pytest.raises(ValidationError):
        mentoring_request_answer(
            expert=expert,
            request=request,
            accept=False,
            suggested_expert=UserFactory(),
        )


def test_only_the_expert_answers_and_only_once(expert, requester):
    request = mentoring_create(requester=requester, expert=expert)
    with pytest.raises(PermissionDenied):
        mentoring_request_answer(expert=requester, request=request, accept=True)
    mentoring_request_answer(expert=expert, request=request, accept=True)
    with pytest.raises(PermissionDenied):
        mentoring_request_answer(expert=expert, request=request, accept=False)


def test_messages_only_in_an_accepted_exchange(expert, requester):
    request = mentoring_create(requester=requester, expert=expert)
    with pytest.raises(PermissionDenied):
        mentoring_message_create(author=requester, request=request, body="Hello?")
    request = mentoring_request_answer(expert=expert, request=request, accept=True)
    mentoring_message_create(author=requester, request=request, body="Hello!")
    mentoring_message_create(author=expert, request=request, body="Welcome.")
    assert [m.body for m in request.messages.all()] == ["Hello!", "Welcome."]
    assert Notification.objects.filter(
        recipient=expert, verb="mentoring_message"
    ).exists()
    mentoring_request_close(user=requester, request=request, outcome="Plan agreed.")
    with pytest.raises(PermissionDenied):
        mentoring_message_create(author=expert, request=request, body="One more")


def test_close_needs_an_outcome(expert, requester):
    request = mentoring_create(requester=requester, expert=expert, accept=True)
    with pytest.raises(ValidationError):
        mentoring_request_close(user=expert, request=request, outcome="  ")


def test_withdraw_only_while_pending(expert, requester):
    request = mentoring_create(requester=requester, expert=expert)
    assert mentoring_request_withdraw(requester=requester, request=request).status == (
        "withdrawn"
    )
    with pytest.raises(PermissionDenied):
        mentoring_request_withdraw(requester=requester, request=request)


@pytest.fixture
def closed_exchange(expert, requester):
    request = mentoring_create(
        requester=requester, expert=expert, accept=True, country="SN"
    )
    return mentoring_request_close(
        user=expert, request=request, outcome="Tablets at school level, synced weekly."
    )


def _propose(user, request, group, **extra):
    values = {
        "user": user,
        "request": request,
        "group_id": group.pk,
        "title": "Tablets for the school census",
        "summary": "What a ministry learned moving its census to tablets.",
        "lesson": {"context": "Paper forms.", "learned": "Pilot in one district."},
    }
    values.update(extra)
    return lesson_propose(**values)


def test_lesson_needs_the_other_persons_consent(
    closed_exchange, expert, requester, group
):
    proposal = _propose(expert, closed_exchange, group)
    assert proposal.status == LessonProposal.Status.AWAITING_CONSENT
    assert not ResourcePage.objects.filter(
        title="Tablets for the school census"
    ).exists()
    with pytest.raises(PermissionDenied):
        lesson_decide(user=expert, proposal=proposal, consent=True)

    proposal = lesson_decide(
        user=requester, proposal=proposal, consent=True, named=False
    )

    resource = proposal.resource
    assert proposal.status == "submitted"
    assert resource.live is False
    assert resource.format == "lesson-learned" and resource.knowledge_type == "tacit"
    assert resource.owner == expert
    assert resource.owning_group_id == group.pk
    assert resource.current_workflow_state.status == "in_progress"
    assert resource.authors == "Awa Ndiaye"  # the requester chose not to be named
    assert [c.code for c in resource.countries] == ["SN"]
    assert resource.level == "national"
    assert resource.lesson_learned == "Pilot in one district."


def test_refused_consent_shares_nothing(closed_exchange, expert, requester, group):
    proposal = _propose(expert, closed_exchange, group)
    proposal = lesson_decide(user=requester, proposal=proposal, consent=False)
    assert proposal.status == "refused"
    assert proposal.resource is None
    assert not ResourcePage.objects.filter(
        title="Tablets for the school census"
    ).exists()
    assert Notification.objects.filter(
        recipient=expert, verb="mentoring_lesson_refused"
    ).exists()


def test_lesson_goes_only_to_the_proposers_groups(closed_exchange, requester, group):
    with pytest.raises(ValidationError):
        _propose(requester, closed_exchange, group)  # the requester is in no group


def test_one_lesson_per_exchange_and_only_once_closed(expert, requester, group):
    open_request = mentoring_create(requester=requester, expert=expert, accept=True)
    with pytest.raises(PermissionDenied):
        _propose(expert, open_request, group)
    closed = mentoring_request_close(user=expert, request=open_request, outcome="Ok")
    _propose(expert, closed, group)
    with pytest.raises(PermissionDenied):
        _propose(expert, closed, group)


def test_directory_entry_mixes_vocabulary_and_free_tags(requester):
    profile = directory_entry_update(
        user=requester,
        listed=True,
        expertise_areas=["gis", "financing", "not-a-term"],
        other_expertise="examination data, GIS",
        countries_worked_in=["KE"],
        languages_spoken=["en", "sw"],
        mentoring_capacity=4,
    )
    assert sorted(tag.name for tag in profile.expertise.all()) == [
        "GIS",
        "examination data",
        "financing",
    ]
    assert [c.code for c in profile.countries_worked_in] == ["KE"]
    assert profile.languages_spoken == ["en", "sw"]
    assert profile.listed_in_directory is True
