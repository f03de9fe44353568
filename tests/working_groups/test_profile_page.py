"""The profile page /people/<pk>/: only members who opted in to the directory
are shown to others (a 404 like a missing one otherwise), and it lists their
contributions the viewer may read, nothing private to the viewer."""

import pytest
from django.urls import reverse

from tests.factories import (
    MembershipFactory,
    ResourceFactory,
    UserFactory,
    WorkingGroupFactory,
)
from tests.factories.forums import ForumFactory, PostFactory, ThreadFactory
from working_groups.models import Visibility

pytestmark = pytest.mark.django_db


def listed(user, value=True):
    user.profile.listed_in_directory = value
    user.profile.save()
    return user


@pytest.fixture
def author(home_page):
    return listed(UserFactory(username="amina", display_name="Amina Diallo"))


def test_unlisted_member_is_missing_to_others_but_not_to_themselves(client, home_page):
    shy = UserFactory(username="shy", display_name="Shy Person")
    viewer = UserFactory(username="viewer")
    url = reverse("working_groups:profile", args=[shy.pk])

    client.force_login(viewer)
    hidden = client.get(url)
    missing = client.get(reverse("working_groups:profile", args=[987654]))
    assert hidden.status_code == missing.status_code == 404
    assert b"Shy Person" not in hidden.content

    client.force_login(shy)
    assert client.get(url).status_code == 200


def test_listed_member_is_shown_with_face(client, author):
    client.force_login(UserFactory(username="viewer"))
    response = client.get(reverse("working_groups:profile", args=[author.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Amina Diallo" in page
    assert "avatar--initials" in page


def test_visitors_do_not_see_profiles(client, author):
    response = client.get(reverse("working_groups:profile", args=[author.pk]))
    assert response.status_code == 404


def test_contributions_never_show_what_the_viewer_cannot_read(client, author):
    group = WorkingGroupFactory(title="Closed circle")
    group_forum = ForumFactory(slug="closed", group=group)
    community = ForumFactory(slug="community", group=None)
    open_thread = ThreadFactory(forum=community, title="Open census question")
    answer = PostFactory(thread=open_thread, author=author, body="Use the UIS form.")
    open_thread.answer = answer
    open_thread.save()
    ThreadFactory(forum=group_forum, author=author, title="Members-only budget talk")
    ResourceFactory(title="Public census guide", owner=author)
    ResourceFactory(
        title="Members-only draft policy",
        owner=author,
        parent=group,
        visibility=Visibility.MEMBERS,
    )
    ResourceFactory(
        title="What we learned in Kenya", owner=author, format="lesson-learned"
    )

    outsider = UserFactory(username="outsider")
    client.force_login(outsider)
    page = client.get(reverse("working_groups:profile", args=[author.pk]))
    text = page.content.decode()
    assert "Public census guide" in text
    assert "What we learned in Kenya" in text
    assert "Open census question" in text  # the accepted answer and the post
    assert "Members-only budget talk" not in text
    assert "Members-only draft policy" not in text

    insider = UserFactory(username="insider")
    MembershipFactory(user=insider, group=group)
    client.force_login(insider)
    text = client.get(reverse("working_groups:profile", args=[author.pk])).content
    assert b"Members-only budget talk" in text
    assert b"Members-only draft policy" in text


def test_post_author_links_to_profile_only_when_listed(client, author):
    community = ForumFactory(slug="community", group=None)
    shy = UserFactory(username="shy", display_name="Shy Person")
    thread = ThreadFactory(forum=community, author=author)
    PostFactory(thread=thread, author=shy)
    client.force_login(UserFactory(username="viewer"))
    page = client.get(thread.get_absolute_url()).content.decode()
    assert reverse("working_groups:profile", args=[author.pk]) in page
    assert reverse("working_groups:profile", args=[shy.pk]) not in page
