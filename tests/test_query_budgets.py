"""Every page of the URL map does a fixed number of queries: built once with a
little content and again with more items, groups, tags and organisations, no
page may need more queries the second time (visitor and member)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.services import community_forum_get_or_create, forum_for_group_ensure
from knowledge.services import knowledge_index_get_or_create
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PostFactory,
    ResourceFactory,
    ThreadFactory,
    UserFactory,
    WorkingGroupFactory,
)
from tests.factories.events import EventFactory, event_index_get_or_create

pytestmark = pytest.mark.django_db

# Pages only a signed-in member sees.
MEMBER_ONLY = {"members", "submit", "my submissions", "forum settings", "profile"}
MEMBER_ONLY |= {"profile picture"}  # issue 15: faces
MEMBER_ONLY |= {"notifications", "notifications unread", "notification settings"}


def _grow(world: dict, *, groups: int, per_group: int) -> None:
    """Add ``groups`` working groups, each with ``per_group`` resources (tagged,
    with organisations, some shared with the first group), events and forum
    threads with replies; the member joins every group."""
    first = world["groups"][0] if world["groups"] else None
    for _ in range(groups):
        number = len(world["groups"]) + 1
        group = WorkingGroupFactory(title=f"Group {number}", slug=f"group-{number}")
        world["groups"].append(group)
        MembershipFactory(user=world["member"], group=group)
        forum = forum_for_group_ensure(group=group)
        organisation = OrganisationFactory(name=f"Publisher {number}")
        world["organisations"].append(organisation)
        for item in range(per_group):
            tag = f"topic {number} {item}"
            ResourceFactory(
                title=f"Data report {number}.{item}",
                parent=group if item % 2 else world["library"],
                format="report" if item % 2 else "lesson-learned",
                level="national",
                tags=[tag, "data"],
                organisations=world["organisations"][-2:],
                groups=[first] if first is not None and item % 3 == 0 else [],
            )
            EventFactory(title=f"Data event {number}.{item}", group=group)
            EventFactory(title=f"Open event {number}.{item}")
            for target in (forum, world["community"]):
                thread = ThreadFactory(
                    forum=target, title=f"Data question {number}.{item}"
                )
                PostFactory(thread=thread, author=world["member"])
                _notify_member(world["member"], PostFactory(thread=thread))


def _notify_member(member, post) -> None:
    """The member follows every discussion: each reply is a notification."""
    from notifications.services import notifications_fan_out

    notifications_fan_out(
        kind="reply",
        verb="reply",
        target="forums.post",
        target_id=post.pk,
        recipient_ids=[member.pk],
        actor_id=post.author_id,
    )


def _pages(world: dict) -> list[tuple[str, str]]:
    group = world["groups"][0]
    resource = world["resources"]()
    event = world["events"]()
    thread = world["threads"]()
    return [
        ("home", "/"),
        ("groups", "/working-groups/"),
        ("group", f"/working-groups/{group.slug}/"),
        ("members", f"/working-groups/{group.slug}/members/"),
        ("group calendar", f"/working-groups/{group.slug}/calendar.ics"),
        ("library", "/knowledge/"),
        ("library words", "/knowledge/?q=data"),
        ("library relevance", "/knowledge/?q=data&sort=relevance"),
        ("library filtered", "/knowledge/?format=report&level=national"),
        ("library by tag", "/knowledge/?tag=data"),
        ("resource", f"/knowledge/{resource.slug}/"),
        ("resource cite", f"/knowledge/{resource.slug}/cite.bib"),
        ("library cite", "/knowledge/cite.ris"),
        ("submit", "/knowledge/submit/"),
        ("my submissions", "/knowledge/my-submissions/"),
        ("tags", "/knowledge/tags/"),
        ("tag", "/knowledge/tags/data/"),
        ("lessons learned", "/lessons-learned/"),
        ("events", "/events/"),
        ("past events", "/events/?past=1"),
        ("event", f"/events/{event.slug}/"),
        ("event ics", f"/events/{event.slug}/event.ics"),
        ("calendar", "/events/calendar.ics"),
        ("forums", "/forums/"),
        ("forum", f"/forums/{world['community'].slug}/"),
        ("thread", f"/forums/{world['community'].slug}/{thread.pk}/"),
        ("forum feed", f"/forums/{world['community'].slug}/feed/"),
        ("forum settings", "/forums/settings/"),
        ("search", "/search/?q=data"),
        ("search api", "/api/search/?q=data"),
        # Search with facets chosen, and browsing by facets alone (issue 14).
        ("search filtered", "/search/?q=data&kind=resource&format=report"),
        ("search browse", "/search/?kind=resource&tag=data"),
        ("library words filtered", "/knowledge/?q=data&format=report"),
        ("resource feed", "/feeds/resources/"),
        ("event feed", "/feeds/events/"),
        ("profile", f"/people/{world['member'].pk}/"),
        ("profile picture", "/accounts/profile/picture/"),
        ("health", "/healthz"),
        ("readiness", "/readyz"),
        ("notifications", "/notifications/"),
        ("notifications unread", "/notifications/?unread=1"),
        ("notification settings", "/notifications/settings/"),
        ("oai records", "/oai/?verb=ListRecords&metadataPrefix=oai_dc"),
    ]


def _query_counts(client, world: dict, *, member: bool) -> dict[str, tuple]:
    counts = {}
    for name, path in _pages(world):
        if name in MEMBER_ONLY and not member:
            continue
        client.get(path)  # the process's caches warm, as on a running site
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        counts[name] = (len(queries), [q["sql"] for q in queries.captured_queries])
    return counts


@pytest.fixture
def world(home_page, django_capture_on_commit_callbacks):
    from forums.models import Thread
    from knowledge.models import ResourcePage
    from working_groups.models import EventPage

    with django_capture_on_commit_callbacks(execute=True):
        world = {
            "library": knowledge_index_get_or_create(),
            "events_index": event_index_get_or_create(),
            "community": community_forum_get_or_create(),
            "member": UserFactory(username="budget-member"),
            "groups": [],
            "organisations": [],
            "resources": lambda: ResourcePage.objects.live().order_by("pk").first(),
            "events": lambda: EventPage.objects.live().order_by("pk").first(),
            "threads": lambda: (
                Thread.objects.filter(forum=world["community"]).order_by("pk").first()
            ),
        }
    return world


@pytest.mark.parametrize("as_member", [False, True], ids=["visitor", "member"])
def test_no_page_needs_more_queries_with_more_content(
    client, world, as_member, django_capture_on_commit_callbacks
):
    if as_member:
        client.force_login(world["member"])
    with django_capture_on_commit_callbacks(execute=True):
        _grow(world, groups=1, per_group=2)
    small = _query_counts(client, world, member=as_member)

    with django_capture_on_commit_callbacks(execute=True):
        _grow(world, groups=2, per_group=4)
    large = _query_counts(client, world, member=as_member)

    grown = {
        name: (small[name][0], large[name][0])
        for name in small
        if large[name][0] > small[name][0]
    }
    details = "\n\n".join(
        f"{name}: {before} -> {after} queries\n" + "\n".join(large[name][1])
        for name, (before, after) in grown.items()
    )
    assert not grown, f"pages whose queries grow with the content:\n{details}"


# --- a group's events, run by its moderators (issue 15) ---------------------------


def test_the_group_events_page_needs_no_more_queries_with_more_events(
    client, home_page, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from working_groups.models import Membership
    from working_groups.services import group_moderation_setup

    event_index_get_or_create()
    group = group_moderation_setup(group=WorkingGroupFactory(title="Events group"))
    moderator = UserFactory(username="events-moderator")
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory(user=moderator, group=group, role=Membership.Role.MODERATOR)
    client.force_login(moderator)
    path = f"/working-groups/{group.slug}/events/"

    def grow(count):
        for number in range(count):
            EventFactory(group=group)
            start = timezone.now() - timedelta(days=number + 2)
            EventFactory(group=group, start=start, end=start + timedelta(hours=1))

    def queries():
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(captured)

    grow(1)
    small = queries()
    grow(5)
    assert queries() <= small


def test_the_moderators_inbox_needs_no_more_queries_with_more_waiting(
    client, home_page, django_capture_on_commit_callbacks
):
    """Join requests, resources in review, flags, suspensions and upcoming
    events: the inbox reads each kind in bulk."""
    from forums.models import Suspension
    from knowledge.services import resource_submit
    from tests.factories.forums import FlagFactory
    from working_groups.models import Membership
    from working_groups.services import group_moderation_setup

    with django_capture_on_commit_callbacks(execute=True):
        knowledge_index_get_or_create()
        community_forum_get_or_create()
        group = group_moderation_setup(group=WorkingGroupFactory(title="Inbox group"))
        moderator = UserFactory(username="inbox-moderator")
        MembershipFactory(user=moderator, group=group, role=Membership.Role.MODERATOR)
    forum = forum_for_group_ensure(group=group)
    client.force_login(moderator)

    def grow(count):
        for _ in range(count):
            MembershipFactory(group=group, status=Membership.Status.PENDING)
            FlagFactory(post=PostFactory(thread=ThreadFactory(forum=forum)))
            Suspension.objects.create(forum=forum, user=UserFactory(), reason="Spam")
            EventFactory(group=group, capacity=0)
            with django_capture_on_commit_callbacks(execute=True):
                resource_submit(
                    submitter=moderator,
                    group=group,
                    title="Pending report",
                    summary="In review.",
                    format="report",
                )

    def count():
        client.get("/moderation/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/moderation/").status_code == 200
        return len(queries)

    grow(1)
    small = count()
    grow(3)
    assert count() <= small


def test_the_moderators_inbox_costs_the_same_for_one_group_or_four(
    client, home_page, django_capture_on_commit_callbacks
):
    """Events needing attention (upcoming and past) and every other queue are
    read for all the moderator's groups at once: the page and the header's
    count need as many queries for a moderator of four groups as of one."""
    from datetime import timedelta

    from django.utils import timezone

    from forums.models import Suspension
    from knowledge.services import resource_submit
    from tests.factories.forums import FlagFactory
    from working_groups.models import Membership
    from working_groups.services import group_moderation_setup

    with django_capture_on_commit_callbacks(execute=True):
        knowledge_index_get_or_create()
        community_forum_get_or_create()
    moderator = UserFactory(username="many-groups-moderator")
    client.force_login(moderator)

    def add_group(number):
        with django_capture_on_commit_callbacks(execute=True):
            group = group_moderation_setup(
                group=WorkingGroupFactory(title=f"Moderated {number}")
            )
            MembershipFactory(
                user=moderator, group=group, role=Membership.Role.MODERATOR
            )
            member = MembershipFactory(group=group).user
        forum = forum_for_group_ensure(group=group)
        MembershipFactory(group=group, status=Membership.Status.PENDING)
        FlagFactory(post=PostFactory(thread=ThreadFactory(forum=forum)))
        Suspension.objects.create(forum=forum, user=UserFactory(), reason="Spam")
        EventFactory(group=group, capacity=0)
        start = timezone.now() - timedelta(days=3)
        EventFactory(group=group, start=start, end=start + timedelta(hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            resource_submit(
                submitter=member,
                group=group,
                title=f"Pending report {number}",
                summary="In review.",
                format="report",
            )

    def count(path):
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        return len(queries), response.text

    add_group(1)
    one_group, page = count("/moderation/")
    assert page.count("Past: add the recording or slides.") == 1
    header_one, home = count("/events/")
    assert "5 waiting" not in home and "3 waiting" in home
    for number in (2, 3, 4):
        add_group(number)
    four_groups, page = count("/moderation/")
    assert page.count("Past: add the recording or slides.") == 4
    assert four_groups <= one_group
    header_four, home = count("/events/")
    assert "12 waiting" in home
    assert header_four <= header_one
