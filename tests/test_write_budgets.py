"""Writes in constant queries: a reply, a new thread, an RSVP and a join request
cost the same number of queries (the emails and notifications they fan out
included) whether a few or many people follow, attend or moderate."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.models import Forum, Subscription, Thread
from tests.factories import (
    ForumFactory,
    MembershipFactory,
    PostFactory,
    ThreadFactory,
    UserFactory,
    WorkingGroupFactory,
)
from tests.factories.events import EventFactory, EventRegistrationFactory
from working_groups.models import EventRegistration, Membership

pytestmark = pytest.mark.django_db

REPLY_BUDGET = 30  # the target for the request of a reply
THREAD_BUDGET = 30  # and for starting a thread


@pytest.fixture
def group(home_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return WorkingGroupFactory(title="Data standards", slug="data-standards")


def _members(group, count: int) -> list:
    users = []
    for _ in range(count):
        user = UserFactory()
        MembershipFactory(user=user, group=group)
        users.append(user)
    return users


def _posting(client, capture, path: str, data: dict) -> tuple[int, object]:
    """Queries of the request plus its background work (fan-out, indexing, mail
    delivery), all run here; the request's own share is in ``response.queries``
    (in production the background part runs in the worker)."""
    with CaptureQueriesContext(connection) as queries:
        with capture(execute=False) as callbacks:
            response = client.post(path, data)
        response.queries = len(queries)
        response.sql = [query["sql"] for query in queries.captured_queries]
        for callback in callbacks:
            callback()
    return len(queries), response


def test_a_reply_costs_the_same_for_3_or_30_followers(
    client, group, mailoutbox, django_capture_on_commit_callbacks
):
    forum = ForumFactory(name="Data standards", slug="data-standards", group=group)
    author = _members(group, 1)[0]
    client.force_login(author)
    counts, requests = {}, {}
    for followers in (3, 30):
        thread = ThreadFactory(forum=forum, title=f"Followed by {followers}")
        PostFactory(thread=thread)
        for user in _members(group, followers):
            Subscription.objects.create(user=user, thread=thread)
        mailoutbox.clear()
        count, response = _posting(
            client,
            django_capture_on_commit_callbacks,
            f"/forums/{forum.slug}/{thread.pk}/reply/",
            {"body": "Thanks, this helps."},
        )
        assert response.status_code == 302
        assert len(mailoutbox) == followers  # every follower is told
        counts[followers] = count
        requests[followers] = response.queries

    assert counts[30] == counts[3]
    assert requests[30] == requests[3]
    assert requests[30] <= REPLY_BUDGET


def test_a_reply_updates_the_counters(
    client, group, django_capture_on_commit_callbacks
):
    forum = ForumFactory(name="Data standards", slug="data-standards", group=group)
    author = _members(group, 1)[0]
    thread = ThreadFactory(forum=forum)
    PostFactory(thread=thread)
    Forum.objects.filter(pk=forum.pk).update(thread_count=1, post_count=2)
    client.force_login(author)

    _posting(
        client,
        django_capture_on_commit_callbacks,
        f"/forums/{forum.slug}/{thread.pk}/reply/",
        {"body": "A second reply."},
    )

    thread.refresh_from_db()
    forum.refresh_from_db()
    assert thread.reply_count == 2
    assert thread.last_position == 3
    assert thread.last_poster == author
    assert (forum.thread_count, forum.post_count) == (1, 3)
    assert forum.last_post_id == thread.last_post_id


def test_a_new_thread_costs_the_same_for_3_or_30_forum_followers(
    client, group, mailoutbox, django_capture_on_commit_callbacks
):
    counts, requests = {}, {}
    author = _members(group, 1)[0]
    client.force_login(author)
    for followers in (3, 30):
        forum = ForumFactory(group=None, public_read=True)
        for user in _members(group, followers):
            Subscription.objects.create(user=user, forum=forum)
        mailoutbox.clear()
        count, response = _posting(
            client,
            django_capture_on_commit_callbacks,
            f"/forums/{forum.slug}/new/",
            {"title": "Census dates", "body": "When does your census run?"},
        )
        assert response.status_code == 302
        assert Thread.objects.filter(forum=forum, title="Census dates").exists()
        assert len(mailoutbox) == followers
        counts[followers] = count
        requests[followers] = response.queries

    assert counts[30] == counts[3]
    assert requests[30] == requests[3]
    assert requests[30] <= THREAD_BUDGET, "\n".join(response.sql)


def test_an_rsvp_costs_the_same_for_3_or_30_people_going(
    client, group, django_capture_on_commit_callbacks
):
    counts = {}
    for going in (3, 30):
        event = EventFactory(title=f"Webinar for {going}")
        for _ in range(going):
            EventRegistrationFactory(
                event=event, user=UserFactory(), status=EventRegistration.Status.GOING
            )
        client.force_login(UserFactory())
        count, response = _posting(
            client,
            django_capture_on_commit_callbacks,
            f"/events/{event.slug}/rsvp/",
            {"response": "going"},
        )
        assert response.status_code == 302
        counts[going] = count

    assert counts[30] == counts[3]


def test_a_join_request_costs_the_same_for_3_or_30_members_and_moderators(
    client, home_page, mailoutbox, django_capture_on_commit_callbacks
):
    counts = {}
    for size in (3, 30):
        with django_capture_on_commit_callbacks(execute=True):
            group = WorkingGroupFactory(title=f"Group of {size}", slug=f"group-{size}")
        _members(group, size)
        for _ in range(size):
            MembershipFactory(
                user=UserFactory(), group=group, role=Membership.Role.MODERATOR
            )
        client.force_login(UserFactory())
        mailoutbox.clear()
        count, response = _posting(
            client,
            django_capture_on_commit_callbacks,
            f"/working-groups/{group.slug}/join/",
            {"motivation": "I run our national school census."},
        )
        assert response.status_code == 302
        assert mailoutbox  # the moderators hear of it
        counts[size] = count

    assert counts[30] == counts[3]
