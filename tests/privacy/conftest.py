"""A world with something private in every app: a members-only group, and a
public group holding members-only resources, events and a forum."""

import pytest

from forums.models import Forum
from knowledge.services import knowledge_index_get_or_create
from portal.demo import home_page_get_or_create
from tests.db_snapshot import load_once
from tests.factories import (
    DocumentFactory,
    EventFactory,
    MembershipFactory,
    PostFactory,
    ResourceFactory,
    StaffFactory,
    ThreadFactory,
    UserFactory,
    WorkingGroupFactory,
)
from working_groups.models import Membership, Visibility
from working_groups.services import group_moderation_setup


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    """Built once per session, copied back for later tests (tests/db_snapshot.py)."""

    def build():
        home_page_get_or_create()  # as the home_page fixture
        return build_world(django_capture_on_commit_callbacks)

    return load_once("privacy_app_world", build)


def build_world(django_capture_on_commit_callbacks):
    knowledge_index_get_or_create()
    with django_capture_on_commit_callbacks(execute=True):
        group = group_moderation_setup(
            group=WorkingGroupFactory(title="Technologies", slug="technologies")
        )
        other = group_moderation_setup(
            group=WorkingGroupFactory(title="Enabling", slug="enabling")
        )
        closed = group_moderation_setup(
            group=WorkingGroupFactory(
                title="Closed circle",
                slug="closed-circle",
                visibility=Visibility.MEMBERS,
            )
        )
        member = UserFactory(username="member", display_name="Mina Member")
        MembershipFactory(user=member, group=group)
        MembershipFactory(user=member, group=closed)
        moderator = UserFactory(username="moderator", display_name="Moe Moderator")
        MembershipFactory(user=moderator, group=group, role=Membership.Role.MODERATOR)
        other_moderator = UserFactory(username="othermod", display_name="Otto Other")
        MembershipFactory(
            user=other_moderator, group=other, role=Membership.Role.MODERATOR
        )
    outsider = UserFactory(username="outsider", display_name="Olga Outsider")
    former = UserFactory(username="former", display_name="Fern Former")
    MembershipFactory(user=former, group=group, status=Membership.Status.LEFT)
    document = DocumentFactory(title="Secret annex")
    resource = ResourceFactory(
        title="Secret blueprint",
        slug="secret-blueprint",
        parent=group,
        visibility=Visibility.MEMBERS,
        tags=["only-secret"],
        attachments=[document],
    )
    public_resource = ResourceFactory(
        title="Open note", slug="open-note", parent=group, tags=["open-tag"]
    )
    event = EventFactory(
        title="Members meeting",
        slug="members-meeting",
        group=group,
        visibility=Visibility.MEMBERS,
    )
    forum = Forum.objects.get(group=group)
    forum.name, forum.slug = "Technologies forum", "technologies-forum"
    forum.save()
    thread = ThreadFactory(forum=forum, title="Secret plans", author=member)
    post = PostFactory(thread=thread, author=member, body="Our secret plan.")
    return {
        "group": group,
        "other": other,
        "closed": closed,
        "member": member,
        "moderator": moderator,
        "other_moderator": other_moderator,
        "outsider": outsider,
        "former": former,
        "staff": StaffFactory(username="editor"),
        "document": document,
        "resource": resource,
        "public_resource": public_resource,
        "event": event,
        "forum": forum,
        "thread": thread,
        "post": post,
    }
