"""One page per moderator: join requests, resources in review, flags, events
and suspensions across their groups, with actions in place."""

import pytest
from django.test import Client
from django.urls import reverse

from forums.models import Flag, Suspension
from forums.services import forum_for_group_ensure
from knowledge.services import knowledge_index_get_or_create, resource_submit
from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from tests.factories.forums import FlagFactory, PostFactory, ThreadFactory
from working_groups.models import Membership
from working_groups.services import group_moderation_setup

pytestmark = pytest.mark.django_db

INBOX = "/moderation/"


@pytest.fixture
def world(home_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        knowledge_index_get_or_create()
        ours = group_moderation_setup(group=WorkingGroupFactory(title="Data systems"))
        theirs = group_moderation_setup(group=WorkingGroupFactory(title="Financing"))
        moderator = UserFactory(username="amina", display_name="Amina Diallo")
        MembershipFactory(user=moderator, group=ours, role=Membership.Role.MODERATOR)
        other_moderator = UserFactory(username="jonas")
        MembershipFactory(
            user=other_moderator, group=theirs, role=Membership.Role.MODERATOR
        )
        member = MembershipFactory(group=ours, user=UserFactory(username="carlos")).user
    applicant = UserFactory(username="lin", display_name="Lin Wei")
    request = MembershipFactory(
        group=ours, user=applicant, status=Membership.Status.PENDING
    )
    stranger_request = MembershipFactory(
        group=theirs,
        user=UserFactory(display_name="Someone Else"),
        status=Membership.Status.PENDING,
    )
    forum = forum_for_group_ensure(group=ours)
    their_forum = forum_for_group_ensure(group=theirs)
    post = PostFactory(
        thread=ThreadFactory(forum=forum, title="Spam thread"), body="Buy now"
    )
    flag = FlagFactory(post=post, reporter=member)
    their_flag = FlagFactory(
        post=PostFactory(thread=ThreadFactory(forum=their_forum, title="Their thread"))
    )
    suspension = Suspension.objects.create(
        forum=forum, user=UserFactory(display_name="Troll"), reason="Abuse"
    )
    with django_capture_on_commit_callbacks(execute=True):
        resource = resource_submit(
            submitter=member,
            group=ours,
            title="Costing an EMIS reform",
            summary="How one ministry costed it.",
            format="report",
        )
    return {
        "moderator": moderator,
        "other_moderator": other_moderator,
        "member": member,
        "applicant": applicant,
        "request": request,
        "stranger_request": stranger_request,
        "flag": flag,
        "their_flag": their_flag,
        "suspension": suspension,
        "resource": resource,
    }


def test_a_moderator_sees_everything_waiting_in_their_groups_only(client, world):
    client.force_login(world["moderator"])
    page = client.get(INBOX).text

    assert "Lin Wei" in page
    assert "Costing an EMIS reform" in page
    assert "Spam thread" in page
    assert "Troll" in page
    assert "Someone Else" not in page and "Their thread" not in page
    # The header counts what waits: a request, a resource, a flag.
    assert "3 waiting" in client.get("/").text


def test_members_and_visitors_have_no_inbox(client, world):
    client.force_login(world["member"])
    assert client.get(INBOX).status_code == 404
    assert "data-inbox-link" not in client.get("/events/").text
    client.logout()
    response = client.get(INBOX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_approving_a_join_request_in_place(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["moderator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("inbox:join_request_decide", args=[world["request"].pk]),
            {"decision": "approve", "message": "Welcome!"},
        )
    assert response.status_code == 302 and response["Location"] == INBOX
    world["request"].refresh_from_db()
    assert world["request"].status == Membership.Status.ACTIVE
    page = client.get(INBOX).text
    assert "Lin Wei is now a member." in page
    request_pk = world["request"].pk
    assert f'data-join-request="{request_pk}"' not in page


def test_another_groups_request_answers_like_a_missing_one(client, world):
    client.force_login(world["moderator"])
    for pk in (world["stranger_request"].pk, 999999):
        response = client.post(
            reverse("inbox:join_request_decide", args=[pk]), {"decision": "approve"}
        )
        assert response.status_code == 404
    world["stranger_request"].refresh_from_db()
    assert world["stranger_request"].status == Membership.Status.PENDING
    response = client.post(
        reverse("inbox:flag_decide", args=[world["their_flag"].pk]),
        {"action": "dismiss"},
    )
    assert response.status_code == 404


def test_hiding_a_flagged_post_in_place(client, world):
    client.force_login(world["moderator"])
    client.post(
        reverse("inbox:flag_decide", args=[world["flag"].pk]), {"action": "hide"}
    )
    world["flag"].refresh_from_db()
    world["flag"].post.refresh_from_db()
    assert world["flag"].status == Flag.Status.ACTIONED
    assert world["flag"].post.is_hidden or world["flag"].post.thread.is_hidden


def test_dismissing_a_flag_and_lifting_a_suspension(client, world):
    client.force_login(world["moderator"])
    client.post(
        reverse("inbox:flag_decide", args=[world["flag"].pk]), {"action": "dismiss"}
    )
    client.post(reverse("inbox:suspension_lift", args=[world["suspension"].pk]))
    world["flag"].refresh_from_db()
    world["suspension"].refresh_from_db()
    assert world["flag"].status == Flag.Status.DISMISSED
    assert world["suspension"].lifted_at is not None


def test_publishing_a_resource_in_place(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["moderator"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("inbox:resource_decide", args=[world["resource"].pk]),
            {"decision": "approve"},
        )
    world["resource"].refresh_from_db()
    assert world["resource"].live
    # The submitter hears of it in their notifications.
    client.force_login(world["member"])
    assert "was published" in client.get(reverse("notifications:list")).text


def test_requesting_changes_needs_a_comment(client, world):
    client.force_login(world["moderator"])
    response = client.post(
        reverse("inbox:resource_decide", args=[world["resource"].pk]),
        {"decision": "reject"},
        follow=True,
    )
    world["resource"].refresh_from_db()
    assert not world["resource"].live
    assert response.status_code == 200


def test_inbox_actions_need_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["moderator"])
    response = client.post(
        reverse("inbox:join_request_decide", args=[world["request"].pk]),
        {"decision": "approve"},
    )
    assert response.status_code == 403


def _rows(page: str) -> set[str]:
    """The rows a moderator acts on, and where each form posts."""
    import re

    return set(re.findall(r'data-(?:join-request|flag|resource)="\d+"', page)) | set(
        re.findall(r'action="(/moderation/[^"]+)"', page)
    )


def test_the_group_page_shows_the_inbox_rows_and_actions(client, world):
    """A group's moderation page and the inbox render the same rows with the
    same actions; acting from the group page brings the moderator back there."""
    client.force_login(world["moderator"])
    group_page_url = reverse(
        "working_groups:moderation", args=[world["request"].group.slug]
    )
    group_page = client.get(group_page_url).text
    inbox_rows = _rows(client.get(INBOX).text)
    assert _rows(group_page) == inbox_rows - {
        f"/moderation/suspensions/{world['suspension'].pk}/lift/"
    }
    assert f'data-join-request="{world["request"].pk}"' in group_page
    assert f'name="next" value="{group_page_url}"' in group_page
    assert "Hide the post" in group_page and "Approve and publish" in group_page

    response = client.post(
        reverse("inbox:join_request_decide", args=[world["request"].pk]),
        {"decision": "decline", "message": "Not now.", "next": group_page_url},
    )
    assert response.status_code == 302 and response["Location"] == group_page_url
    world["request"].refresh_from_db()
    assert world["request"].status == Membership.Status.DECLINED
    assert "Lin Wei&#x27;s request was declined." in client.get(group_page_url).text


def test_an_action_never_sends_the_moderator_off_the_site(client, world):
    client.force_login(world["moderator"])
    response = client.post(
        reverse("inbox:flag_decide", args=[world["flag"].pk]),
        {"action": "dismiss", "next": "https://evil.example/moderation/"},
    )
    assert response.status_code == 302 and response["Location"] == INBOX
