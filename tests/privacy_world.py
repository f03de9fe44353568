"""One small portal with something of every visibility, and the four kinds of
reader of the privacy matrix (visitor, non-member, member, staff). Shared by the
tests of the surfaces that face other systems: the read API, sitemaps, OAI-PMH.
Import the fixtures into a conftest.py to use them."""

from dataclasses import dataclass

import pytest

from forums.selectors import forum_for_group
from knowledge.services import knowledge_index_get_or_create
from portal.demo import home_page_get_or_create
from tests.db_snapshot import load_once
from tests.factories import (
    EventFactory,
    ForumFactory,
    MembershipFactory,
    ResourceFactory,
    StaffFactory,
    ThreadFactory,
    UserFactory,
    WorkingGroupFactory,
)
from working_groups.models import Visibility

READERS = ["visitor", "non-member", "member", "staff"]
# Who may read the members-only things of the group (and the private group).
INSIDERS = {"member", "staff"}


@dataclass
class World:
    group: object
    quiet_group: object
    private_group: object
    public_resource: object
    members_resource: object
    private_group_resource: object
    public_event: object
    members_event: object
    private_group_event: object
    community_thread: object
    group_public_thread: object
    group_private_thread: object
    private_group_thread: object

    @property
    def public_titles(self) -> set[str]:
        return {
            self.public_resource.title,
            self.public_event.title,
            self.community_thread.title,
            self.group_public_thread.title,
            self.group.title,
        }

    @property
    def private_titles(self) -> set[str]:
        """What only insiders (members of the three groups, staff) may see."""
        return {
            self.members_resource.title,
            self.private_group_resource.title,
            self.members_event.title,
            self.private_group_event.title,
            self.group_private_thread.title,
            self.private_group_thread.title,
            self.private_group.title,
        }


@pytest.fixture
def world(db, django_capture_on_commit_callbacks) -> World:
    """Built once per session, copied back for later tests (tests/db_snapshot.py)."""

    def build():
        home_page_get_or_create()  # as the home_page fixture
        return build_world(django_capture_on_commit_callbacks)

    return load_once("privacy_world", build)


def build_world(django_capture_on_commit_callbacks) -> World:
    knowledge_index_get_or_create()
    with django_capture_on_commit_callbacks(execute=True):
        group = WorkingGroupFactory(title="Data governance", slug="data-governance")
        private_group = WorkingGroupFactory(
            title="Closed circle", slug="closed-circle", visibility=Visibility.MEMBERS
        )
        public_resource = ResourceFactory(
            title="Open census guide", slug="open-census-guide", parent=group
        )
        members_resource = ResourceFactory(
            title="Secret budget draft",
            slug="secret-budget-draft",
            parent=group,
            visibility=Visibility.MEMBERS,
        )
        private_group_resource = ResourceFactory(
            title="Closed circle notes",
            slug="closed-circle-notes",
            parent=private_group,
        )
        public_event = EventFactory(
            title="Open webinar", slug="open-webinar", group=group
        )
        members_event = EventFactory(
            title="Members workshop",
            slug="members-workshop",
            group=group,
            visibility=Visibility.MEMBERS,
        )
        private_group_event = EventFactory(
            title="Closed circle retreat",
            slug="closed-circle-retreat",
            group=private_group,
        )
        # A public group whose forum is for its members only.
        quiet_group = WorkingGroupFactory(title="Budget office", slug="budget-office")
    community = ForumFactory(name="Community", slug="community-world")
    # Publishing a group gives it its forum.
    group_public = forum_for_group(group=group) or ForumFactory(group=group)
    group_public.public_read = True
    group_public.save()
    group_private = forum_for_group(group=quiet_group) or ForumFactory(
        group=quiet_group
    )
    group_private.public_read = False
    group_private.save()
    private_forum = forum_for_group(group=private_group) or ForumFactory(
        group=private_group
    )
    return World(
        group=group,
        quiet_group=quiet_group,
        private_group=private_group,
        public_resource=public_resource,
        members_resource=members_resource,
        private_group_resource=private_group_resource,
        public_event=public_event,
        members_event=members_event,
        private_group_event=private_group_event,
        community_thread=ThreadFactory(forum=community, title="Open question"),
        group_public_thread=ThreadFactory(
            forum=group_public, title="Governance in public"
        ),
        group_private_thread=ThreadFactory(
            forum=group_private, title="Members-only budget talk"
        ),
        private_group_thread=ThreadFactory(
            forum=private_forum, title="Closed circle chat"
        ),
    )


@pytest.fixture
def readers(world) -> dict:
    """The user behind each reader of the matrix (None: not signed in)."""
    member = UserFactory(username="world-member")
    MembershipFactory(user=member, group=world.group)
    MembershipFactory(user=member, group=world.private_group)
    MembershipFactory(user=member, group=world.quiet_group)
    return {
        "visitor": None,
        "non-member": UserFactory(username="world-outsider"),
        "member": member,
        "staff": StaffFactory(username="world-staff"),
    }


@pytest.fixture
def read_as(client, readers):
    """The test client signed in as one reader of the matrix."""

    def _read_as(reader: str):
        client.logout()
        if readers[reader] is not None:
            client.force_login(readers[reader])
        return client

    return _read_as
