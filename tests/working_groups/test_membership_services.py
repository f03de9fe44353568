"""The membership state machine: every transition, who may do it, the emails
both sides receive and the audit rows it leaves."""

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from working_groups.models import (
    Membership,
    MembershipAuditEntry,
    MembershipInvitation,
    WorkingGroupPage,
)
from working_groups.permissions import is_group_member
from working_groups.services import (
    MembershipError,
    membership_approve,
    membership_decline,
    membership_invitation_accept,
    membership_invitation_decline,
    membership_invite,
    membership_leave,
    membership_remove,
    membership_request,
)

Status = Membership.Status
Action = MembershipAuditEntry.Action


def recipients(outbox):
    return sorted(address for message in outbox for address in message.to)


def last_audit(group):
    return MembershipAuditEntry.objects.filter(group=group).first()


def test_request_creates_a_pending_membership_and_emails_both_sides(
    group, moderator, outsider, mail_on_commit
):
    with mail_on_commit():
        membership = membership_request(
            user=outsider, group=group, motivation="  I run a school census.  "
        )

    assert membership.status == Status.PENDING
    assert membership.motivation == "I run a school census."
    assert not is_group_member(outsider, group)
    entry = last_audit(group)
    assert (entry.action, entry.actor, entry.user) == (
        Action.REQUESTED,
        outsider,
        outsider,
    )
    assert (entry.from_status, entry.to_status) == ("", Status.PENDING)
    assert recipients(mail_on_commit.outbox) == sorted(
        [outsider.email, moderator.email]
    )
    to_moderator = next(m for m in mail_on_commit.outbox if moderator.email in m.to)
    assert "Lin Wei asks to join" in to_moderator.subject
    assert "I run a school census." in to_moderator.body
    assert (
        "/working-groups/" in to_moderator.body and "/moderation/" in to_moderator.body
    )


def test_asking_twice_keeps_one_request(group, moderator, outsider, mail_on_commit):
    with mail_on_commit():
        first = membership_request(user=outsider, group=group, motivation="First")
    mail_on_commit.outbox.clear()

    with mail_on_commit():
        second = membership_request(user=outsider, group=group, motivation="Again")

    assert second.pk == first.pk
    assert Membership.objects.filter(user=outsider, group=group).count() == 1
    assert second.motivation == "First"
    assert MembershipAuditEntry.objects.filter(action=Action.REQUESTED).count() == 1
    assert mail_on_commit.outbox == []


def test_approval_groups_need_a_motivation(group, outsider):
    with pytest.raises(MembershipError, match="why you would like to join"):
        membership_request(user=outsider, group=group, motivation="   ")
    assert not Membership.objects.filter(user=outsider).exists()


def test_open_group_activates_at_once(db, outsider, mail_on_commit):
    group = WorkingGroupFactory(join_policy=WorkingGroupPage.JoinPolicy.OPEN)
    moderator = UserFactory()
    MembershipFactory(user=moderator, group=group, role=Membership.Role.MODERATOR)

    with mail_on_commit():
        membership = membership_request(user=outsider, group=group)

    assert membership.status == Status.ACTIVE
    assert is_group_member(outsider, group)
    assert last_audit(group).action == Action.JOINED
    assert recipients(mail_on_commit.outbox) == sorted(
        [outsider.email, moderator.email]
    )
    welcome = next(m for m in mail_on_commit.outbox if outsider.email in m.to)
    assert "Welcome" in welcome.subject


def test_invite_only_group_refuses_requests(db, outsider):
    group = WorkingGroupFactory(join_policy=WorkingGroupPage.JoinPolicy.INVITE)

    with pytest.raises(MembershipError, match="invite only"):
        membership_request(user=outsider, group=group, motivation="Please")
    assert not Membership.objects.exists()


def test_members_cannot_ask_again(group, member):
    with pytest.raises(MembershipError, match="already a member"):
        membership_request(user=member, group=group, motivation="Again")


def test_moderator_approves_with_a_message(group, moderator, outsider, mail_on_commit):
    pending = membership_request(user=outsider, group=group, motivation="Hello")
    mail_on_commit.outbox.clear()  # the request's own mail was delivered

    with mail_on_commit():
        approved = membership_approve(
            membership=pending, actor=moderator, message="Welcome aboard"
        )

    assert approved.status == Status.ACTIVE
    assert approved.decided_by == moderator
    assert approved.decided_at is not None
    assert approved.decision_message == "Welcome aboard"
    assert is_group_member(Membership.objects.get(pk=pending.pk).user, group)
    entry = last_audit(group)
    assert (entry.action, entry.actor, entry.from_status, entry.to_status) == (
        Action.APPROVED,
        moderator,
        Status.PENDING,
        Status.ACTIVE,
    )
    assert entry.message == "Welcome aboard"
    to_applicant = next(m for m in mail_on_commit.outbox if outsider.email in m.to)
    assert "approved" in to_applicant.body and "Welcome aboard" in to_applicant.body
    assert moderator.email in recipients(mail_on_commit.outbox)


def test_moderator_declines_with_a_reason(group, moderator, outsider, mail_on_commit):
    pending = membership_request(user=outsider, group=group, motivation="Hello")
    mail_on_commit.outbox.clear()  # the request's own mail was delivered

    with mail_on_commit():
        declined = membership_decline(
            membership=pending, actor=moderator, message="Please complete your profile"
        )

    assert declined.status == Status.DECLINED
    assert declined.decided_by == moderator
    assert last_audit(group).action == Action.DECLINED
    to_applicant = next(m for m in mail_on_commit.outbox if outsider.email in m.to)
    assert "declined" in to_applicant.body
    assert "Please complete your profile" in to_applicant.body


@pytest.mark.parametrize("decide", [membership_approve, membership_decline])
def test_only_the_groups_moderators_decide(
    decide, group, member, outsider, other_moderator
):
    pending = membership_request(user=outsider, group=group, motivation="Hello")

    for actor in (outsider, member, other_moderator):
        with pytest.raises(PermissionDenied):
            decide(membership=pending, actor=actor)

    assert Membership.objects.get(pk=pending.pk).status == Status.PENDING


def test_staff_may_decide_any_group(group, outsider, staff):
    pending = membership_request(user=outsider, group=group, motivation="Hello")

    assert membership_approve(membership=pending, actor=staff).status == Status.ACTIVE


def test_a_decided_request_cannot_be_decided_again(group, moderator, outsider):
    pending = membership_request(user=outsider, group=group, motivation="Hello")
    membership_decline(membership=pending, actor=moderator)

    with pytest.raises(MembershipError, match="already been decided"):
        membership_approve(membership=pending, actor=moderator)


def test_declined_people_may_ask_again(group, moderator, outsider):
    pending = membership_request(user=outsider, group=group, motivation="Hello")
    membership_decline(membership=pending, actor=moderator)

    again = membership_request(user=outsider, group=group, motivation="Profile done")

    assert again.pk == pending.pk
    assert again.status == Status.PENDING
    entry = last_audit(group)
    assert (entry.from_status, entry.to_status) == (Status.DECLINED, Status.PENDING)


def test_member_leaves_and_both_sides_hear(group, moderator, member, mail_on_commit):
    membership = Membership.objects.get(user=member, group=group)

    with mail_on_commit():
        left = membership_leave(membership=membership, actor=member)

    assert left.status == Status.LEFT
    assert not is_group_member(member, group)
    entry = last_audit(group)
    assert (entry.action, entry.from_status, entry.to_status) == (
        Action.LEFT,
        Status.ACTIVE,
        Status.LEFT,
    )
    # Moderators hear of members leaving in their daily digest by default.
    assert recipients(mail_on_commit.outbox) == [member.email]
    from notifications.models import Notification

    assert Notification.objects.get(recipient=moderator).delivery == "digest"


def test_applicant_withdraws_a_pending_request(group, moderator, outsider):
    pending = membership_request(user=outsider, group=group, motivation="Hello")

    membership_leave(membership=pending, actor=outsider)

    assert Membership.objects.get(pk=pending.pk).status == Status.LEFT
    assert last_audit(group).action == Action.WITHDRAWN


def test_nobody_leaves_on_someone_elses_behalf(group, moderator, member):
    membership = Membership.objects.get(user=member, group=group)

    with pytest.raises(PermissionDenied):
        membership_leave(membership=membership, actor=moderator)


def test_the_only_moderator_cannot_leave(group, moderator):
    membership = Membership.objects.get(user=moderator, group=group)

    with pytest.raises(MembershipError, match="only moderator"):
        membership_leave(membership=membership, actor=moderator)


def test_moderator_removes_a_member(group, moderator, member, mail_on_commit):
    membership = Membership.objects.get(user=member, group=group)

    with mail_on_commit():
        removed = membership_remove(
            membership=membership, actor=moderator, message="Spam"
        )

    assert removed.status == Status.REMOVED
    assert removed.decided_by == moderator
    assert last_audit(group).action == Action.REMOVED
    to_member = next(m for m in mail_on_commit.outbox if member.email in m.to)
    assert "removed" in to_member.body and "Spam" in to_member.body


def test_who_may_remove(group, moderator, member, other_moderator, staff):
    membership = Membership.objects.get(user=member, group=group)
    moderator_membership = Membership.objects.get(user=moderator, group=group)

    for actor in (member, other_moderator):
        with pytest.raises(PermissionDenied):
            membership_remove(membership=membership, actor=actor)
    # Moderators do not remove one another or themselves; administrators may.
    with pytest.raises(PermissionDenied):
        membership_remove(membership=moderator_membership, actor=moderator)
    assert (
        membership_remove(membership=moderator_membership, actor=staff).status
        == Status.REMOVED
    )


def test_removed_people_wait_for_approval_even_in_an_open_group(db, outsider):
    group = WorkingGroupFactory(join_policy=WorkingGroupPage.JoinPolicy.OPEN)
    membership = MembershipFactory(user=outsider, group=group, status=Status.REMOVED)

    again = membership_request(user=outsider, group=group, motivation="Sorry")

    assert again.pk == membership.pk
    assert again.status == Status.PENDING


def test_invitation_is_accepted_by_the_invited_address(
    group, moderator, mail_on_commit
):
    with mail_on_commit():
        invitation = membership_invite(
            group=group,
            email="Invitee@Example.org",
            actor=moderator,
            message="Join us!",
        )

    assert invitation.email == "invitee@example.org"
    invite_mail = next(
        m for m in mail_on_commit.outbox if "invitee@example.org" in m.to
    )
    assert f"/working-groups/invitations/{invitation.token}/" in invite_mail.body
    assert "Join us!" in invite_mail.body
    assert last_audit(group).action == Action.INVITED
    invitee = UserFactory(username="invitee")
    mail_on_commit.outbox.clear()

    with mail_on_commit():
        membership = membership_invitation_accept(invitation=invitation, user=invitee)

    assert membership.status == Status.ACTIVE
    assert membership.decided_by == moderator
    invitation.refresh_from_db()
    assert invitation.status == MembershipInvitation.Status.ACCEPTED
    assert invitation.accepted_by == invitee
    entry = last_audit(group)
    assert (entry.action, entry.user, entry.to_status) == (
        Action.INVITATION_ACCEPTED,
        invitee,
        Status.ACTIVE,
    )
    assert recipients(mail_on_commit.outbox) == sorted([invitee.email, moderator.email])


def test_invitation_cannot_be_used_by_another_account(group, moderator, outsider):
    invitation = membership_invite(
        group=group, email="someone@example.org", actor=moderator
    )

    with pytest.raises(PermissionDenied):
        membership_invitation_accept(invitation=invitation, user=outsider)
    assert not Membership.objects.filter(user=outsider).exists()


def test_inviting_twice_resends_the_same_invitation(group, moderator):
    first = membership_invite(group=group, email="a@example.org", actor=moderator)
    second = membership_invite(group=group, email="A@example.org", actor=moderator)

    assert second.pk == first.pk
    assert MembershipInvitation.objects.count() == 1


def test_invitation_declined(group, moderator, mail_on_commit):
    invitation = membership_invite(group=group, email="b@example.org", actor=moderator)
    invitee = UserFactory(username="b")

    with mail_on_commit():
        membership_invitation_decline(invitation=invitation, user=invitee)

    invitation.refresh_from_db()
    assert invitation.status == MembershipInvitation.Status.DECLINED
    assert not Membership.objects.filter(user=invitee).exists()
    assert last_audit(group).action == Action.INVITATION_DECLINED
    assert moderator.email in recipients(mail_on_commit.outbox)
    with pytest.raises(MembershipError, match="expired or was already answered"):
        membership_invitation_accept(invitation=invitation, user=invitee)


def test_only_moderators_invite(group, member, other_moderator):
    for actor in (member, other_moderator):
        with pytest.raises(PermissionDenied):
            membership_invite(group=group, email="c@example.org", actor=actor)


def test_members_are_not_invited_again(group, moderator, member):
    with pytest.raises(MembershipError, match="already a member"):
        membership_invite(group=group, email=member.email, actor=moderator)


def test_approving_a_moderator_request_gives_no_page_rights_to_members(
    group, moderator, outsider, mail_on_commit
):
    pending = membership_request(user=outsider, group=group, motivation="Hello")
    with mail_on_commit():
        membership_approve(membership=pending, actor=moderator)

    outsider.refresh_from_db()
    assert not outsider.groups.filter(pk=group.moderators_group_id).exists()
    assert group.permissions_for_user(moderator).can_publish()
    assert not group.permissions_for_user(outsider).can_edit()


def test_asking_and_withdrawing_over_and_over_is_limited(
    group, moderator, outsider, mail_on_commit
):
    for _attempt in range(3):
        pending = membership_request(user=outsider, group=group, motivation="Hi")
        membership_leave(membership=pending, actor=outsider)
    mail_on_commit.outbox.clear()

    with mail_on_commit(), pytest.raises(MembershipError, match="several times today"):
        membership_request(user=outsider, group=group, motivation="Hi")

    assert Membership.objects.get(user=outsider).status == Status.LEFT
    assert mail_on_commit.outbox == []
