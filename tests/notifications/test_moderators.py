"""Moderators hear about the work waiting in the groups they moderate (requests
to join, flagged posts, resources to review, members leaving) as each chose:
on the site, by email at once, in the digest, or not at all; never about a
group they do not moderate, and no longer once they stop moderating it."""

import pytest
from django.urls import reverse

from forums import services as forum_services
from forums.services import forum_for_group_ensure
from knowledge.services import knowledge_index_get_or_create, resource_submit
from notifications.models import Delivery, Kind, Notification
from notifications.selectors import unread_count
from notifications.services import (
    notification_digests_send,
    notification_preferences_update,
)
from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from tests.factories.forums import PostFactory, ThreadFactory
from working_groups.models import Membership
from working_groups.services import (
    group_moderation_setup,
    membership_leave,
    membership_request,
)

pytestmark = pytest.mark.django_db


def _moderator(group, name, delivery=None, kind=None):
    user = MembershipFactory(
        group=group,
        user=UserFactory(username=name, display_name=name.title()),
        role=Membership.Role.MODERATOR,
    ).user
    if delivery is not None:
        notification_preferences_update(user=user, choices={kind: delivery})
    return user


@pytest.fixture
def groups(home_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        knowledge_index_get_or_create()
        ours = group_moderation_setup(
            group=WorkingGroupFactory(title="Data circle", join_policy="approval")
        )
        theirs = WorkingGroupFactory(title="Other circle", join_policy="approval")
    return ours, theirs


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def _texts(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("notifications:list")).text


def test_a_join_request_reaches_each_moderator_as_they_chose(
    client, groups, mailoutbox, django_capture_on_commit_callbacks
):
    ours, theirs = groups
    kind = Kind.JOIN_REQUEST
    at_once = _moderator(ours, "emma", Delivery.EMAIL, kind)
    on_site = _moderator(ours, "sami", Delivery.SITE, kind)
    digest = _moderator(ours, "dina", Delivery.DIGEST, kind)
    silent = _moderator(ours, "olga", Delivery.OFF, kind)
    elsewhere = _moderator(theirs, "eli")
    applicant = UserFactory(username="applicant", display_name="Amal Haddad")

    with django_capture_on_commit_callbacks(execute=True):
        membership_request(user=applicant, group=ours, motivation="I run the EMIS.")

    notified = set(
        Notification.objects.filter(kind=kind).values_list("recipient__username")
    )
    assert notified == {("emma",), ("sami",), ("dina",)}
    assert "Amal Haddad asks to join Data circle" in _texts(client, on_site)
    assert unread_count(user=_fresh(at_once)) == 1
    assert unread_count(user=_fresh(elsewhere)) == 0
    assert unread_count(user=_fresh(silent)) == 0
    # Only the moderator who wants email at once got the moderators' notice.
    assert [m.to for m in mailoutbox if "asks to join" in m.subject] == [
        [at_once.email]
    ]

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_digests_send() == 1
    assert [m.to for m in mailoutbox] == [[digest.email]]
    assert "Amal Haddad asks to join Data circle" in mailoutbox[0].body

    # A moderator who steps down no longer sees the request.
    Membership.objects.filter(user=on_site, group=ours).update(
        role=Membership.Role.MEMBER
    )
    assert unread_count(user=_fresh(on_site)) == 0
    assert "asks to join" not in _texts(client, on_site)


def test_a_flag_reaches_the_forum_moderators_only(
    client, groups, mailoutbox, django_capture_on_commit_callbacks
):
    ours, theirs = groups
    forum = forum_for_group_ensure(group=ours)
    moderator = _moderator(ours, "emma")
    quiet = _moderator(ours, "sami", Delivery.SITE, Kind.FLAG)
    elsewhere = _moderator(theirs, "eli")
    reporter = MembershipFactory(group=ours, user=UserFactory()).user
    post = PostFactory(thread=ThreadFactory(forum=forum, title="Spam offer"))

    with django_capture_on_commit_callbacks(execute=True):
        forum_services.post_flag(reporter=reporter, post=post, reason="spam")

    assert "A post was flagged in “Spam offer”" in _texts(client, moderator)
    assert "A post was flagged in “Spam offer”" in _texts(client, quiet)
    assert unread_count(user=_fresh(elsewhere)) == 0
    assert unread_count(user=_fresh(reporter)) == 0
    assert [m.to for m in mailoutbox] == [[moderator.email]]


def test_a_resource_sent_for_review_reaches_its_group_moderators(
    client, groups, django_capture_on_commit_callbacks
):
    ours, theirs = groups
    moderator = _moderator(ours, "emma")
    elsewhere = _moderator(theirs, "eli")
    member = MembershipFactory(
        group=ours, user=UserFactory(display_name="Kofi Mensah")
    ).user

    with django_capture_on_commit_callbacks(execute=True):
        resource_submit(
            submitter=member,
            group=ours,
            title="District data audit",
            summary="How we checked it.",
            format="report",
        )

    page = _texts(client, moderator)
    assert "Kofi Mensah submitted “District data audit” for review" in page
    assert unread_count(user=_fresh(elsewhere)) == 0
    assert unread_count(user=_fresh(member)) == 0


def test_members_leaving_go_to_the_digest_by_default(
    client, groups, mailoutbox, django_capture_on_commit_callbacks
):
    ours, _theirs = groups
    moderator = _moderator(ours, "emma")
    leaver = MembershipFactory(
        group=ours, user=UserFactory(display_name="Lina Park")
    ).user

    with django_capture_on_commit_callbacks(execute=True):
        membership_leave(
            membership=Membership.objects.get(user=leaver, group=ours), actor=leaver
        )

    assert "Lina Park left Data circle" in _texts(client, moderator)
    assert not [m for m in mailoutbox if m.to == [moderator.email]]
    with django_capture_on_commit_callbacks(execute=True):
        notification_digests_send()
    digests = [m for m in mailoutbox if m.to == [moderator.email]]
    assert len(digests) == 1 and "Lina Park left Data circle" in digests[0].body


def test_every_new_kind_is_on_the_settings_page(client, groups):
    client.force_login(_moderator(groups[0], "emma"))
    page = client.get(reverse("notifications:preferences")).text
    for kind in (
        Kind.REACTION,
        Kind.INVITATION,
        Kind.JOIN_REQUEST,
        Kind.FLAG,
        Kind.REVIEW,
        Kind.MEMBER_LEFT,
    ):
        assert f'name="{kind}"' in page
        assert str(Kind(kind).label) in page
