"""The Wagtail admin: membership listings with filters, edits that leave an audit
trail, a read-only audit log, and the moderators' join-request queue."""

from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data

from working_groups.models import Membership, MembershipAuditEntry
from working_groups.services import membership_request


def test_staff_filter_memberships_by_status(client, staff, group, member, outsider):
    membership_request(user=outsider, group=group, motivation="Hello")
    client.force_login(staff)
    url = reverse("wagtailsnippets_working_groups_membership:list")

    pending = client.get(url, {"status": "pending"})
    everyone = client.get(url)

    assert pending.status_code == 200
    assert "lin" in pending.text and "carlos" not in pending.text
    assert "carlos" in everyone.text


def test_admin_edit_is_audited_and_grants_moderator_rights(
    client, staff, group, member, django_capture_on_commit_callbacks, mailoutbox
):
    membership = Membership.objects.get(user=member, group=group)
    client.force_login(staff)
    url = reverse(
        "wagtailsnippets_working_groups_membership:edit", args=[membership.pk]
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            nested_form_data(
                {
                    "user": member.pk,
                    "group": group.pk,
                    "role": "moderator",
                    "status": "active",
                    "decision_message": "Appointed convener",
                }
            ),
        )

    assert response.status_code == 302
    entry = MembershipAuditEntry.objects.get(action="changed")
    assert entry.actor == staff and entry.user == member
    assert "Role: Member → Moderator" in entry.message
    assert member.groups.filter(pk=group.moderators_group_id).exists()
    assert any(member.email in m.to for m in mailoutbox)


def test_memberships_are_never_deleted_in_the_admin(client, staff, group, member):
    membership = Membership.objects.get(user=member, group=group)
    client.force_login(staff)

    response = client.post(
        reverse(
            "wagtailsnippets_working_groups_membership:delete", args=[membership.pk]
        )
    )

    assert response.status_code in (302, 403)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_audit_log_is_listed_but_read_only(client, staff, group, outsider):
    membership_request(user=outsider, group=group, motivation="Hello")
    entry = MembershipAuditEntry.objects.get()
    client.force_login(staff)

    listing = client.get(
        reverse("wagtailsnippets_working_groups_membershipauditentry:list"),
        {"action": "requested"},
    )
    inspect = client.get(
        reverse(
            "wagtailsnippets_working_groups_membershipauditentry:inspect",
            args=[entry.pk],
        )
    )
    edit = client.post(
        reverse(
            "wagtailsnippets_working_groups_membershipauditentry:edit", args=[entry.pk]
        ),
        {"message": "rewritten"},
    )

    assert listing.status_code == 200 and "Asked to join" in listing.text
    assert inspect.status_code == 200 and "Hello" in inspect.text
    assert edit.status_code in (302, 403)
    entry.refresh_from_db()
    assert entry.message == "Hello"


def test_moderators_decide_join_requests_in_the_admin(
    client, group, other_group, moderator, outsider, member
):
    mine = membership_request(user=outsider, group=group, motivation="Hello")
    theirs = membership_request(user=member, group=other_group, motivation="Hi")
    client.force_login(moderator)
    url = reverse("working_groups_join_requests")

    queue = client.get(url)
    home = client.get(reverse("wagtailadmin_home"))
    approve = client.post(
        reverse("working_groups_join_request_decide", args=[mine.pk, "approve"]),
        {"message": "Welcome"},
    )
    refused = client.post(
        reverse("working_groups_join_request_decide", args=[theirs.pk, "approve"])
    )

    assert queue.status_code == 200
    assert "Lin Wei" in queue.text and "Carlos Mendes" not in queue.text
    assert "Join requests" in home.text
    assert approve.status_code == 302
    assert Membership.objects.get(pk=mine.pk).status == "active"
    assert refused.status_code in (302, 403)
    assert Membership.objects.get(pk=theirs.pk).status == "pending"


def test_members_without_moderation_rights_have_no_queue(client, group, member):
    client.force_login(member)

    response = client.get(reverse("working_groups_join_requests"))

    assert response.status_code in (302, 403)
