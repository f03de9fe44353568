"""The permission matrix: who reaches what in a working group.

Each row is a kind of person; each test is one place. "login" means a visitor
is sent to sign in, 403 that a signed-in person is refused. Whatever belongs to a
private group answers 404 to those who may not see it, as if it did not exist
(portal.visibility).
"""

import pytest

from tests.factories import (
    EventFactory,
    MembershipFactory,
    UserFactory,
    WorkingGroupFactory,
)
from working_groups.models import Membership, Visibility
from working_groups.services import group_moderation_setup

ROLES = [
    "visitor",
    "non-member",
    "pending",
    "member",
    "other moderator",
    "moderator",
    "staff",
]
MEMBERS_ONLY = {
    "visitor": 404,
    "non-member": 404,
    "pending": 404,
    "member": 200,
    "other moderator": 404,
    "moderator": 200,
    "staff": 200,
}
MODERATORS_ONLY = {
    **MEMBERS_ONLY,
    "member": 403,
}
# A public group's members directory: the group is known, the list is not.
DIRECTORY_OF_A_PUBLIC_GROUP = {
    "visitor": "login",
    "non-member": 403,
    "pending": 403,
    "member": 200,
    "other moderator": 403,
    "moderator": 200,
    "staff": 200,
}


@pytest.fixture
def world(db, django_capture_on_commit_callbacks, staff, other_moderator):
    """A private (members-only) working group with one person of each kind."""
    group = group_moderation_setup(
        group=WorkingGroupFactory(title="Private group", visibility=Visibility.MEMBERS)
    )
    people = {
        "visitor": None,
        "non-member": UserFactory(username="nonmember"),
        "pending": UserFactory(username="pending"),
        "member": UserFactory(username="member"),
        "other moderator": other_moderator,
        "moderator": UserFactory(username="moderator"),
        "staff": staff,
    }
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(
            user=people["pending"], group=group, status=Membership.Status.PENDING
        )
        MembershipFactory(user=people["member"], group=group)
        MembershipFactory(
            user=people["moderator"], group=group, role=Membership.Role.MODERATOR
        )
    event = EventFactory(
        group=group, title="Members clinic", visibility=Visibility.MEMBERS
    )
    return {"group": group, "people": people, "event": event}


def outcome(response):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return response.status_code


def outcomes(client, world, request):
    """{role: outcome} of ``request(client)`` for every kind of person."""
    results = {}
    for role in ROLES:
        client.logout()
        person = world["people"][role]
        if person is not None:
            client.force_login(person)
        results[role] = outcome(request(client))
    return results


def test_private_group_page(client, world):
    url = world["group"].url

    assert outcomes(client, world, lambda c: c.get(url)) == MEMBERS_ONLY


def test_members_directory(client, world):
    url = f"/working-groups/{world['group'].slug}/members/"

    assert outcomes(client, world, lambda c: c.get(url)) == MEMBERS_ONLY


def test_private_event(client, world):
    url = world["event"].url

    assert outcomes(client, world, lambda c: c.get(url)) == MEMBERS_ONLY


def test_group_calendar_feed(client, world):
    url = f"/working-groups/{world['group'].slug}/calendar.ics"

    assert outcomes(client, world, lambda c: c.get(url)) == MEMBERS_ONLY


def test_private_event_calendar_file(client, world):
    url = f"/events/{world['event'].slug}/event.ics"

    assert outcomes(client, world, lambda c: c.get(url)) == MEMBERS_ONLY


def test_moderation_queue(client, world):
    url = f"/working-groups/{world['group'].slug}/moderation/"

    assert outcomes(client, world, lambda c: c.get(url)) == MODERATORS_ONLY


def test_approve_action(client, world):
    group = world["group"]
    applicants = {}

    def approve(c):
        applicant = MembershipFactory(group=group, status=Membership.Status.PENDING)
        applicants[len(applicants)] = applicant
        return c.post(
            f"/working-groups/{group.slug}/requests/{applicant.pk}/approve/",
            {"message": "Welcome"},
        )

    results = outcomes(client, world, approve)

    assert results == {**MODERATORS_ONLY, "moderator": 302, "staff": 302}
    statuses = [
        Membership.objects.get(pk=applicant.pk).status
        for applicant in applicants.values()
    ]
    assert statuses == [
        "pending",
        "pending",
        "pending",
        "pending",
        "pending",
        "active",
        "active",
    ]


def test_public_group_page_is_open_to_all_but_its_directory_is_not(
    client, group, member, moderator, outsider, other_moderator, staff
):
    world = {
        "people": {
            "visitor": None,
            "non-member": outsider,
            "pending": MembershipFactory(
                group=group, status=Membership.Status.PENDING
            ).user,
            "member": member,
            "other moderator": other_moderator,
            "moderator": moderator,
            "staff": staff,
        }
    }

    page = outcomes(client, world, lambda c: c.get(group.url))
    directory = outcomes(
        client, world, lambda c: c.get(f"/working-groups/{group.slug}/members/")
    )

    assert page == dict.fromkeys(ROLES, 200)
    assert directory == DIRECTORY_OF_A_PUBLIC_GROUP


def test_private_groups_are_not_listed_to_non_members(client, world):
    client.force_login(world["people"]["non-member"])
    assert "Private group" not in client.get("/working-groups/").text
    client.force_login(world["people"]["member"])
    assert "Private group" in client.get("/working-groups/").text
