"""The personal home and the notifications page run a fixed number of queries
whatever the number of groups (as a member or as a moderator), notifications
of every kind, and items waiting in those groups."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.services import forum_for_group_ensure
from knowledge.services import knowledge_index_get_or_create, resource_submit
from notifications.services import notifications_fan_out
from search.models import SavedSearch
from tests.factories import (
    MembershipFactory,
    ResourceFactory,
    UserFactory,
    WorkingGroupFactory,
)
from tests.factories.events import EventFactory, EventRegistrationFactory
from tests.factories.forums import FlagFactory, PostFactory, ThreadFactory
from working_groups.models import Membership
from working_groups.services import group_moderation_setup

pytestmark = pytest.mark.django_db

PAGES = ["/", "/notifications/", "/notifications/?unread=1"]


def _notify(users, *, kind, verb, target, subject, actor=None):
    notifications_fan_out(
        kind=kind,
        verb=verb,
        target=target,
        target_id=subject.pk,
        recipient_ids=[user.pk for user in users],
        actor_id=actor.pk if actor else None,
    )


def _grow(world, *, groups: int, capture) -> None:
    """``groups`` more groups, each with something of every kind: the member
    belongs, the moderator moderates; both hear about all of it."""
    member, moderator = world["member"], world["moderator"]
    people = [member, moderator]
    for _ in range(groups):
        number = len(world["groups"]) + 1
        with capture(execute=True):
            group = group_moderation_setup(
                group=WorkingGroupFactory(
                    title=f"Budget group {number}", visibility="members"
                )
            )
            MembershipFactory(user=member, group=group)
            MembershipFactory(
                user=moderator, group=group, role=Membership.Role.MODERATOR
            )
        world["groups"].append(group)
        author = UserFactory()
        MembershipFactory(user=author, group=group)
        thread = ThreadFactory(forum=forum_for_group_ensure(group=group), author=author)
        post = PostFactory(thread=thread, author=author)
        FlagFactory(post=post)
        MembershipFactory(group=group, status=Membership.Status.PENDING)
        resource = ResourceFactory(parent=group, visibility="members")
        event = EventFactory(group=group, visibility="members")
        EventRegistrationFactory(event=event, user=member)
        with capture(execute=True):
            resource_submit(
                submitter=type(member).objects.get(pk=member.pk),
                group=group,
                title=f"Pending report {number}",
                summary="In review.",
                format="report",
            )
        saved = SavedSearch.objects.create(
            user=member, name=f"Search {number}", query_text="data"
        )
        _notify(people, kind="reply", verb="reply", target="forums.post", subject=post)
        _notify(
            people,
            kind="reply",
            verb="new_thread",
            target="forums.thread",
            subject=thread,
            actor=author,
        )
        _notify(
            people,
            kind="mention",
            verb="mention",
            target="forums.post",
            subject=post,
            actor=author,
        )
        _notify(
            people,
            kind="resource_mention",
            verb="resource_mention",
            target="knowledge.resource",
            subject=resource,
        )
        _notify(
            people,
            kind="event",
            verb="event_updated",
            target="working_groups.event",
            subject=event,
        )
        _notify(
            [member],
            kind="membership",
            verb="membership_approved",
            target="working_groups.group",
            subject=group,
        )
        _notify(
            [member],
            kind="saved_search",
            verb="saved_search",
            target="search.saved_search",
            subject=saved,
        )


def _counts(client, user) -> dict[str, tuple[int, list[str]]]:
    client.force_login(user)
    counts = {}
    for path in PAGES:
        client.get(path)  # the process's caches warm, as on a running site
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[path] = (len(queries), [q["sql"] for q in queries.captured_queries])
    return counts


def test_home_and_notifications_need_no_more_queries_with_more_groups(
    client, home_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        knowledge_index_get_or_create()
    world = {
        "member": UserFactory(username="budget-member"),
        "moderator": UserFactory(username="budget-moderator"),
        "groups": [],
    }
    _grow(world, groups=1, capture=django_capture_on_commit_callbacks)
    small = {name: _counts(client, world[name]) for name in ("member", "moderator")}
    # The pages do show what was grown (the budget is about real content).
    client.force_login(world["member"])
    assert "Budget group 1" in client.get("/").text

    _grow(world, groups=4, capture=django_capture_on_commit_callbacks)
    large = {name: _counts(client, world[name]) for name in ("member", "moderator")}

    grown = [
        f"{name} {path}: {small[name][path][0]} -> {large[name][path][0]}\n"
        + "\n".join(large[name][path][1])
        for name in small
        for path in PAGES
        if large[name][path][0] > small[name][path][0]
    ]
    assert not grown, "pages whose queries grow:\n\n" + "\n\n".join(grown)
