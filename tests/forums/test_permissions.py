"""The permission matrix: who may read, post, edit another's post, moderate, see
the flag queue and read the feed, in a members-only group forum, a public group
forum and the Community forum. Checked on the rules and through the pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from forums import permissions
from forums.services import user_suspend
from tests.factories import UserFactory
from tests.factories.forums import PostFactory, ThreadFactory

ACTORS = ["visitor", "non_member", "member", "other_moderator", "moderator", "staff"]
ACTIONS = ["read", "post", "edit_others", "moderate", "flag_queue", "feed"]

# True where the actor may. Columns follow ACTIONS.
PRIVATE = {
    "visitor": (False, False, False, False, False, False),
    "non_member": (False, False, False, False, False, False),
    "member": (True, True, False, False, False, False),
    "other_moderator": (False, False, False, False, False, False),
    "moderator": (True, True, True, True, True, False),
    "staff": (True, True, True, True, True, False),
}
# The other group's forum, public to read (``other_moderator`` moderates it; the
# rest are outsiders to that group).
PUBLIC = {
    "visitor": (True, False, False, False, False, True),
    "non_member": (True, False, False, False, False, True),
    "member": (True, False, False, False, False, True),
    "other_moderator": (True, True, True, True, True, True),
    "moderator": (True, False, False, False, False, True),
    "staff": (True, True, True, True, True, True),
}
# The open Community forum: every group moderator helps moderate it.
COMMUNITY = {
    "visitor": (True, False, False, False, False, True),
    "non_member": (True, True, False, False, False, True),
    "member": (True, True, False, False, False, True),
    "other_moderator": (True, True, True, True, True, True),
    "moderator": (True, True, True, True, True, True),
    "staff": (True, True, True, True, True, True),
}
MATRICES = {"private": PRIVATE, "public": PUBLIC, "community": COMMUNITY}


@pytest.fixture
def actor_users(member, moderator, other_moderator, non_member, staff):
    return {
        "visitor": AnonymousUser(),
        "non_member": non_member,
        "member": member,
        "other_moderator": other_moderator,
        "moderator": moderator,
        "staff": staff,
    }


@pytest.fixture
def forums_by_kind(private_forum, public_forum, community_forum):
    return {
        "private": private_forum,
        "public": public_forum,
        "community": community_forum,
    }


def someone_elses_post(forum):
    """A reply by a member of the forum's group (anyone, for the Community)."""
    author = UserFactory()
    if forum.group_id:
        from tests.factories import MembershipFactory

        MembershipFactory(user=author, group=forum.group)
    return PostFactory(thread=ThreadFactory(forum=forum, author=author), author=author)


def rules(user, forum, post):
    return (
        permissions.can_read_forum(user, forum),
        permissions.can_post_in_forum(user, forum),
        permissions.can_edit_post(user, post),
        permissions.can_moderate_forum(user, forum),
        permissions.can_view_moderation_queue(user, forum),
        permissions.can_view_feed(forum),
    )


@pytest.mark.parametrize("kind", MATRICES)
def test_permission_rules(kind, actor_users, forums_by_kind):
    forum = forums_by_kind[kind]
    post = someone_elses_post(forum)

    found = {
        actor: dict(zip(ACTIONS, rules(actor_users[actor], forum, post), strict=True))
        for actor in ACTORS
    }

    assert found == {
        actor: dict(zip(ACTIONS, MATRICES[kind][actor], strict=True))
        for actor in ACTORS
    }


def page_access(client, user, forum, post) -> tuple:
    """What ``user`` manages to do through the pages, in ACTIONS order (the
    "moderate" column is covered by the moderation queue)."""
    client.logout()
    if user.is_authenticated:
        client.force_login(user)
    thread = post.thread
    refused = {302, 404} if not user.is_authenticated else {403, 404}

    def allowed(response):
        if response.status_code == 200:
            return True
        assert response.status_code in refused, response.status_code
        return False

    read = allowed(client.get(forum.get_absolute_url()))
    assert allowed(client.get(thread.get_absolute_url())) == read
    may_post = allowed(client.get(reverse("forums:thread_create", args=[forum.slug])))
    reply = client.post(
        reverse("forums:post_reply", args=[forum.slug, thread.pk]),
        {"body": "Me too."},
    )
    replied = reply.status_code == 302 and "#post-" in reply["Location"]
    assert replied or reply.status_code in refused
    assert replied == may_post
    edit = allowed(client.get(reverse("forums:post_edit", args=[post.pk])))
    queue = allowed(client.get(reverse("forums:moderation", args=[forum.slug])))
    feed = client.get(reverse("forums:forum_feed", args=[forum.slug]))
    assert feed.status_code in {200, 404}
    return (read, may_post, edit, queue, queue, feed.status_code == 200)


@pytest.mark.parametrize("kind", MATRICES)
def test_permission_matrix_through_the_pages(kind, actor_users, forums_by_kind, client):
    forum = forums_by_kind[kind]
    post = someone_elses_post(forum)

    found = {
        actor: page_access(client, actor_users[actor], forum, post) for actor in ACTORS
    }

    assert found == MATRICES[kind]


def test_private_thread_titles_never_show_to_outsiders(
    private_forum, non_member, client
):
    ThreadFactory(forum=private_forum, title="Budget figures under embargo")
    client.force_login(non_member)

    for url in ["/forums/", "/", private_forum.get_absolute_url()]:
        assert "Budget figures under embargo" not in client.get(url).text


def test_outsider_gets_the_answer_for_a_missing_forum(
    private_forum, non_member, client
):
    client.force_login(non_member)

    response = client.get(private_forum.get_absolute_url())

    assert response.status_code == 404
    assert private_forum.name not in response.text


def test_private_group_forum_stays_hidden_even_if_marked_public(
    private_group, non_member, client
):
    from tests.factories.forums import ForumFactory

    forum = ForumFactory(group=private_group, public_read=True)
    client.force_login(non_member)

    assert not permissions.can_read_forum(non_member, forum)
    assert client.get(forum.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("forums:forum_feed", args=[forum.slug])).status_code == 404
    )


def test_locked_thread_refuses_replies_except_from_moderators(
    private_forum, member, moderator
):
    thread = ThreadFactory(forum=private_forum, is_locked=True)

    assert not permissions.can_reply_to_thread(member, thread)
    assert permissions.can_reply_to_thread(moderator, thread)


def test_suspended_member_reads_but_cannot_post(private_forum, member, moderator):
    post = PostFactory(thread=ThreadFactory(forum=private_forum), author=member)
    user_suspend(moderator=moderator, forum=private_forum, user=member, reason="Spam")

    assert permissions.can_read_forum(member, private_forum)
    assert not permissions.can_post_in_forum(member, private_forum)
    assert not permissions.can_edit_post(member, post)
    assert not permissions.can_flag_post(member, PostFactory(thread=post.thread))


def test_authors_edit_their_own_posts_only_while_they_may_post(private_forum, member):
    own = PostFactory(thread=ThreadFactory(forum=private_forum), author=member)

    assert permissions.can_edit_post(member, own)
    own.is_hidden = True
    assert not permissions.can_edit_post(member, own)
