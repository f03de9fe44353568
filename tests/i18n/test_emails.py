"""Every kind of email reaches a French member in French: subject and body come
from the French catalogue, while an English member of the same batch gets the
English text (one rendering per language)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from forums import services as forum_services
from knowledge.services import resource_moderate, resource_submit
from languages.services import language_preference_set
from search.backends import database_backend
from search.models import SavedSearch
from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from tests.factories.events import EventFactory
from tests.factories.forums import ForumFactory, ThreadFactory
from tests.search.conftest import make_document
from working_groups.models import Membership, WorkingGroupPage
from working_groups.services import (
    event_change_notify,
    event_rsvp,
    group_moderation_setup,
    membership_approve,
    membership_decline,
    membership_invitation_decline,
    membership_invite,
    membership_leave,
    membership_remove,
    membership_request,
)

from .catalogues import PLACEHOLDER

pytestmark = pytest.mark.django_db


def in_french(msgid: str, plural: str | None = None, count: int = 1) -> str:
    with translation.override("fr"):
        return ngettext(msgid, plural, count) if plural else gettext(msgid)


def literal(text: str) -> str:
    """The longest stretch of a catalogue text between its placeholders."""
    return max((part.strip() for part in PLACEHOLDER.split(text)), key=len)


def assert_french(message, body_msgid: str, subject_msgid: str | None = None):
    french = in_french(body_msgid)
    assert french != body_msgid
    assert literal(french) in message.body, message.body
    assert literal(body_msgid) not in message.body
    if subject_msgid:
        assert literal(in_french(subject_msgid)) in message.subject, message.subject


def mail_to(outbox, user):
    found = [message for message in outbox if user.email in message.to]
    assert len(found) == 1, [m.subject for m in outbox]
    return found[0]


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def group(home_page):
    return group_moderation_setup(group=WorkingGroupFactory(title="Data standards"))


def french_user(username: str):
    user = UserFactory(username=username)
    language_preference_set(user=user, language="fr")
    return user


@pytest.fixture
def moderators(group, on_commit):
    """A French-speaking and an English-speaking moderator of ``group``."""
    french, english = french_user("amina"), UserFactory(username="john")
    with on_commit():
        for user in (french, english):
            MembershipFactory(user=user, group=group, role=Membership.Role.MODERATOR)
    return french, english


def test_join_request_mails_everyone_in_their_own_language(
    group, moderators, on_commit, mailoutbox
):
    applicant = french_user("awa")
    french_moderator, english_moderator = moderators

    with on_commit():
        membership_request(user=applicant, group=group, motivation="EMIS à Dakar")

    assert_french(
        mail_to(mailoutbox, applicant),
        "Thank you for asking to join %(group_name)s. The group's moderators will "
        "review your request and you will get an email when they decide.",
        "Your request to join %(group)s",
    )
    assert_french(
        mail_to(mailoutbox, french_moderator),
        "You receive this email as a moderator of the group.",
        "%(name)s asks to join %(group)s",
    )
    english = mail_to(mailoutbox, english_moderator)
    assert "You receive this email as a moderator of the group." in english.body
    assert "asks to join Data standards" in english.subject


@pytest.mark.parametrize(
    ("decide", "body", "subject"),
    [
        (
            membership_approve,
            "Your request to join %(group_name)s has been approved. Welcome!",
            "Welcome to %(group)s",
        ),
        (
            membership_decline,
            "The moderators of %(group_name)s have declined your request to join.",
            "Your request to join %(group)s",
        ),
    ],
)
def test_join_decision_reaches_a_french_applicant_in_french(
    group, moderators, on_commit, mailoutbox, decide, body, subject
):
    applicant = french_user("awa")
    membership = membership_request(user=applicant, group=group, motivation="Hi")
    mailoutbox.clear()

    with on_commit():
        decide(membership=membership, actor=moderators[1], message="")

    assert_french(mail_to(mailoutbox, applicant), body, subject)


def test_joining_an_open_group_welcomes_in_french(group, on_commit, mailoutbox):
    group.join_policy = WorkingGroupPage.JoinPolicy.OPEN
    group.save_revision().publish()
    newcomer = french_user("awa")

    with on_commit():
        membership_request(user=newcomer, group=group)

    assert_french(
        mail_to(mailoutbox, newcomer),
        "You are now a member of %(group_name)s. You can read the group's "
        "members-only resources and events, share resources with the group and "
        "take part in its forum.",
        "Welcome to %(group)s",
    )


def test_leaving_withdrawing_and_removal_are_told_in_french(
    group, moderators, on_commit, mailoutbox
):
    leaver, withdrawer, removed = (french_user(n) for n in ("lea", "wil", "rem"))
    leaving = MembershipFactory(user=leaver, group=group)
    removing = MembershipFactory(user=removed, group=group)
    request = membership_request(user=withdrawer, group=group, motivation="Hi")
    mailoutbox.clear()

    with on_commit():
        membership_leave(membership=leaving, actor=leaver)
        membership_leave(membership=request, actor=withdrawer)
        membership_remove(membership=removing, actor=moderators[1], message="")

    assert_french(
        mail_to(mailoutbox, leaver),
        "You have left %(group_name)s. You can ask to join again at any time.",
        "You left %(group)s",
    )
    assert_french(
        mail_to(mailoutbox, withdrawer),
        "You have withdrawn your request to join %(group_name)s. You can ask again "
        "at any time.",
        "You withdrew your request to join %(group)s",
    )
    assert_french(
        mail_to(mailoutbox, removed),
        "A moderator of %(group_name)s has removed you from the group.",
        "Your membership of %(group)s",
    )


def test_invitations_reach_a_french_member_in_french(
    group, moderators, on_commit, mailoutbox
):
    invitee = french_user("ines")

    with on_commit():
        invitation = membership_invite(
            group=group, email=invitee.email, actor=moderators[1]
        )
    assert_french(
        mail_to(mailoutbox, invitee),
        "To accept or decline, sign in (or create an account with this email "
        "address) and open:",
        "An invitation to join %(group)s",
    )

    mailoutbox.clear()
    with on_commit():
        membership_invitation_decline(invitation=invitation, user=invitee)
    assert_french(
        mail_to(mailoutbox, invitee),
        "You declined the invitation to join %(group_name)s. Thank you for letting "
        "the moderators know.",
        "You declined the invitation to %(group)s",
    )


def test_event_registration_mails_are_in_french(home_page, on_commit, mailoutbox):
    event = EventFactory(title="Webinaire", capacity=1)
    first, second = french_user("first"), french_user("second")

    with on_commit():
        event_rsvp(event=event, user=first, going=True)
        event_rsvp(event=event, user=second, going=True)
    assert_french(mail_to(mailoutbox, first), "You are registered for %(title)s.")
    assert_french(
        mail_to(mailoutbox, second),
        "%(title)s is full: you are on the waiting list. If a place opens up, it is "
        "yours in the order people joined the list, and we will email you.",
    )

    mailoutbox.clear()
    with on_commit():
        event_rsvp(event=event, user=first, going=False)
    assert_french(
        mail_to(mailoutbox, first),
        "You told us you are not going to %(title)s. Thank you: your place goes to "
        "the next person on the waiting list.",
    )
    assert_french(
        mail_to(mailoutbox, second),
        "A place opened up: you are now registered for %(title)s. If you cannot "
        "come any more, please say so on the event page so that the next person "
        "can have your place.",
        "A place opened up: %(event)s",
    )

    for change, body, subject in (
        ("updated", "%(title)s has changed. Here are the current details:", "Updated: %(event)s"),
        ("cancelled", "%(title)s has been cancelled.", "Cancelled: %(event)s"),
    ):  # fmt: skip
        mailoutbox.clear()
        with on_commit():
            event_change_notify(event_id=event.pk, change=change)
        assert_french(mail_to(mailoutbox, second), body, subject)


@pytest.mark.parametrize("approve", [True, False])
def test_resource_outcome_reaches_a_french_submitter_in_french(
    group, moderators, on_commit, mailoutbox, approve
):
    submitter = french_user("sam")
    MembershipFactory(user=submitter, group=group)
    resource = resource_submit(
        submitter=submitter,
        group=group,
        title="Costing an EMIS reform",
        summary="How one ministry costed its EMIS reform.",
        format="report",
    )
    mailoutbox.clear()

    with on_commit():
        resource_moderate(
            resource=resource, moderator=moderators[1], approve=approve, comment="Ok"
        )

    if approve:
        body = (
            "Thank you for sharing “%(title)s”. A moderator approved it and it is "
            "now published in the knowledge library:"
        )
        subject = "Your resource “%(title)s” is published"
    else:
        body = (
            "Thank you for sharing “%(title)s”. A moderator reviewed it and asked "
            "for changes before it can be published."
        )
        subject = "Changes requested for “%(title)s”"
    assert_french(mail_to(mailoutbox, submitter), body, subject)


def test_forum_mails_are_in_french(group, on_commit, mailoutbox):
    author = UserFactory(username="author")
    reader = french_user("reader")
    moderator = french_user("convener")
    for user in (author, reader):
        MembershipFactory(user=user, group=group)
    MembershipFactory(user=moderator, group=group, role=Membership.Role.MODERATOR)
    forum = ForumFactory(name="Data standards", slug="data-standards", group=group)
    thread = ThreadFactory(forum=forum, title="Census dates")
    forum_services.preference_update(user=reader, delivery="immediate")
    forum_services.subscription_create(user=reader, thread=thread)

    with on_commit():
        post = forum_services.post_create(
            author=author, thread=thread, body="Hello @reader", rate_limited=False
        )
    assert_french(
        mail_to(mailoutbox, reader),
        "%(author)s mentioned you in “%(title)s”:",
        "%(name)s mentioned you in “%(title)s”",
    )

    mailoutbox.clear()
    with on_commit():
        forum_services.post_flag(reporter=reader, post=post, reason="spam")
    assert_french(
        mail_to(mailoutbox, moderator),
        "%(reporter)s flagged a post by %(author)s in “%(title)s”: %(reason)s.",
        "A post was flagged in %(forum)s",
    )


def test_forum_digest_is_in_french(group, mailoutbox):
    author, reader = UserFactory(username="author"), french_user("reader")
    for user in (author, reader):
        MembershipFactory(user=user, group=group)
    forum = ForumFactory(name="Data standards", slug="data-standards", group=group)
    thread = ThreadFactory(forum=forum, title="Census dates")
    forum_services.preference_update(user=reader, delivery="daily")
    forum_services.subscription_create(user=reader, thread=thread)
    forum_services.post_create(
        author=author, thread=thread, body="March", rate_limited=False, notify=False
    )

    call_command("send_digests", stdout=StringIO())

    digest = mail_to(mailoutbox, reader)
    french_subject = in_french(
        "Your daily forum digest: %(count)d new post",
        "Your daily forum digest: %(count)d new posts",
    )
    assert literal(french_subject) in digest.subject
    assert literal(in_french("Stop forum emails with one click:")) in digest.body


def test_saved_search_alert_is_in_french(db, mailoutbox):
    reader = french_user("carla")
    SavedSearch.objects.create(
        user=reader,
        name="Mentorat",
        query_text="mentorship",
        frequency="instant",
        alerts_since=timezone.now() - timedelta(minutes=5),
    )
    database_backend().bulk([make_document(title="Mentorship for statisticians")])

    call_command("send_search_alerts", stdout=StringIO())

    alert = mail_to(mailoutbox, reader)
    assert literal(in_french("New results for your saved search “%(name)s”")) in (
        alert.subject
    )
    assert literal(in_french("Stop these emails (one click):")) in alert.body
    html = alert.alternatives[0][0]
    assert literal(in_french("Manage your saved searches")) in html


def test_account_mail_follows_the_members_language(client, db, mailoutbox):
    member = french_user("pierre")

    client.post("/accounts/password/reset/", {"email": member.email})

    reset = mail_to(mailoutbox, member)
    with translation.override("fr"):
        french_subject = gettext("Password Reset Email")
    assert french_subject != "Password Reset Email"
    assert french_subject in reset.subject
