"""The header's unread count is exactly what the notifications page shows: a
notification about something the reader can no longer see leaves both at once,
whichever way the access was lost (and comes back if the access does)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind
from notifications.selectors import unread_count
from notifications.services import notifications_fan_out
from tests.factories import MembershipFactory, ResourceFactory, UserFactory
from tests.factories.events import EventFactory
from tests.factories.forums import ForumFactory, PostFactory, ThreadFactory
from working_groups.models import Membership

pytestmark = pytest.mark.django_db


def _fresh(user):
    """The reader in a new request (nothing cached on the user object)."""
    return type(user).objects.get(pk=user.pk)


def _notify(reader, target, subject, actor=None):
    notifications_fan_out(
        kind=Kind.REPLY,
        verb="reply",
        target=target,
        target_id=subject.pk,
        recipient_ids=[reader.pk],
        actor_id=actor.pk if actor else None,
    )


def _seen(client, reader, title) -> tuple[int, bool, bool, str]:
    """(header count, listed on the page, listed among unread, header badge)."""
    client.force_login(reader)
    page = client.get(reverse("notifications:list")).text
    unread = client.get(reverse("notifications:list") + "?unread=1").text
    return (
        unread_count(user=_fresh(reader)),
        title in page,
        title in unread,
        "1 unread" in page,
    )


def _objects(model, subject):
    return model.objects.filter(pk=subject.pk)


def _move_to_private_forum(world, subject):
    subject.thread.forum = world["closed_forum"]
    subject.thread.save(update_fields=["forum"])


def _forum_made_members_only(world, subject):
    _objects(type(subject.thread.forum), subject.thread.forum).update(public_read=False)


def _thread_deleted(world, subject):
    _objects(type(subject), subject).update(deleted_at=timezone.now())


def _thread_hidden(world, subject):
    _objects(type(subject.thread), subject.thread).update(is_hidden=True)


def _post_deleted(world, subject):
    _objects(type(subject), subject).update(deleted_at=timezone.now())


def _post_hidden(world, subject):
    _objects(type(subject), subject).update(is_hidden=True)


def _resource_unpublished(world, subject):
    subject.unpublish()


def _resource_deleted(world, subject):
    subject.delete()


def _resource_made_members_only(world, subject):
    _objects(type(subject), subject).update(visibility="members")


def _event_made_members_only(world, subject):
    _objects(type(subject), subject).update(visibility="members")


def _event_unpublished(world, subject):
    subject.unpublish()


def _reader_left_the_group(world, subject):
    Membership.objects.filter(user=world["reader"], group=world["group"]).update(
        status=Membership.Status.LEFT
    )


@pytest.fixture
def world(home_page):
    from tests.factories import WorkingGroupFactory

    group = WorkingGroupFactory(title="Data standards")
    closed = WorkingGroupFactory(title="Closed circle")
    reader = MembershipFactory(group=group, user=UserFactory(username="reader")).user
    return {
        "group": group,
        "reader": reader,
        "author": UserFactory(username="author"),
        "community": ForumFactory(name="Community", slug="community", group=None),
        "group_forum": ForumFactory(name="Ours", slug="ours", group=group),
        "closed_forum": ForumFactory(name="Closed", slug="closed", group=closed),
    }


def _public_group_forum(world):
    """A group forum anyone may read (its group is public)."""
    from tests.factories import WorkingGroupFactory

    return ForumFactory(
        name="Financing",
        slug="financing",
        group=WorkingGroupFactory(title="Financing"),
        public_read=True,
    )


# (how access is lost, what the notification is about, where it lives); the
# reader leaving the group comes last: it hides every post of the group forum.
WAYS = [
    (_move_to_private_forum, "forums.post", "community"),
    (_forum_made_members_only, "forums.post", "public_group_forum"),
    (_thread_deleted, "forums.thread", "group_forum"),
    (_thread_hidden, "forums.post", "group_forum"),
    (_post_deleted, "forums.post", "group_forum"),
    (_post_hidden, "forums.post", "group_forum"),
    (_resource_unpublished, "knowledge.resource", None),
    (_resource_deleted, "knowledge.resource", None),
    (_resource_made_members_only, "knowledge.resource", None),
    (_event_made_members_only, "working_groups.event", None),
    (_event_unpublished, "working_groups.event", None),
    (_reader_left_the_group, "forums.post", "group_forum"),
]


def test_count_and_page_drop_what_the_reader_can_no_longer_see(client, world):
    """Each way of losing access, one after the other: each time the count
    and the page lose that notification, and only that one."""
    reader, author = world["reader"], world["author"]
    world["public_group_forum"] = _public_group_forum(world)
    subjects = []
    for number, (lose_access, target, forum) in enumerate(WAYS):
        title = f"Subject {number:02d} {lose_access.__name__.strip('_')}"
        if forum is not None:
            thread = ThreadFactory(forum=world[forum], author=author, title=title)
            post = PostFactory(thread=thread, author=author)
            subject = post if target == "forums.post" else thread
        elif target == "knowledge.resource":
            subject = ResourceFactory(title=title)
        else:
            subject = EventFactory(title=title)
        _notify(reader, target, subject, author)
        subjects.append((lose_access, subject, title))
    # Something that stays visible keeps its place throughout.
    _notify(reader, "knowledge.resource", ResourceFactory(title="Open data handbook"))
    expected = len(WAYS) + 1
    assert _seen(client, reader, subjects[0][2])[:3] == (expected, True, True)

    for lose_access, subject, title in subjects:
        lose_access(world, subject)
        expected -= 1

        count, listed, listed_unread, _badge = _seen(client, reader, title)
        assert (count, listed, listed_unread) == (expected, False, False), title
    page = client.get(reverse("notifications:list")).text
    assert "Open data handbook" in page
    assert "1 unread" in page  # the header agrees with the page


def test_access_that_comes_back_brings_the_notification_back(client, world):
    reader, author = world["reader"], world["author"]
    thread = ThreadFactory(forum=world["group_forum"], author=author, title="Budget")
    _notify(reader, "forums.post", PostFactory(thread=thread, author=author), author)
    membership = Membership.objects.get(user=reader, group=world["group"])
    membership.status = Membership.Status.LEFT
    membership.save(update_fields=["status"])
    assert _seen(client, reader, "Budget")[:2] == (0, False)

    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["status"])

    assert _seen(client, reader, "Budget")[:2] == (1, True)


def test_moderators_and_authors_still_see_what_is_hidden(client, world):
    author = world["author"]
    moderator = MembershipFactory(
        group=world["group"],
        user=UserFactory(username="convener"),
        role=Membership.Role.MODERATOR,
    ).user
    MembershipFactory(group=world["group"], user=author)
    thread = ThreadFactory(forum=world["group_forum"], author=author, title="Heated")
    post = PostFactory(thread=thread, author=moderator)
    _notify(author, "forums.post", post, moderator)
    _notify(moderator, "forums.thread", thread, author)
    type(thread).objects.filter(pk=thread.pk).update(is_hidden=True)

    assert _seen(client, author, "Heated")[:2] == (1, True)
    assert _seen(client, moderator, "Heated")[:2] == (1, True)


def test_the_count_is_two_queries_once_the_groups_are_known(world):
    """The kinds of subject among the unread first (an index read), then the
    count with the rules of those kinds only (building all of them cost about
    20 ms of Python per page)."""
    reader, author = world["reader"], world["author"]
    thread = ThreadFactory(forum=world["group_forum"], author=author)
    for _ in range(3):
        _notify(reader, "forums.post", PostFactory(thread=thread, author=author))
    _notify(reader, "knowledge.resource", ResourceFactory())
    _notify(reader, "working_groups.event", EventFactory())
    reader = _fresh(reader)
    from working_groups.selectors import group_ids_prime

    group_ids_prime([reader])  # as any page of the request already did

    with CaptureQueriesContext(connection) as queries:
        assert unread_count(user=reader) == 5
    assert len(queries) == 2
    count = queries.captured_queries[1]["sql"]
    assert "forums_post" in count and "knowledge_resourcepage" in count
    assert 'forums_thread" U0' not in count  # no thread is among the unread
    assert "people_mentoringrequest" not in count


def test_nothing_unread_is_one_query_and_no_rule(world):
    reader = _fresh(world["reader"])

    with CaptureQueriesContext(connection) as queries:
        assert unread_count(user=reader) == 0
    assert len(queries) == 1
    assert "notifications_notification" in queries.captured_queries[0]["sql"]
