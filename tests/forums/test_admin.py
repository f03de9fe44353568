"""Staff manage forums and look through flags and the audit log in Wagtail."""

from forums import services
from tests.factories.forums import CategoryFactory, PostFactory, ThreadFactory

ADMIN_LISTINGS = [
    "/admin/snippets/forums/forum/",
    "/admin/snippets/forums/flag/",
    "/admin/snippets/forums/suspension/",
    "/admin/snippets/forums/moderationaction/",
]


def test_forum_admin_listings_open_for_staff(
    client, staff, private_forum, member, moderator
):
    post = PostFactory(thread=ThreadFactory(forum=private_forum))
    services.post_flag(reporter=member, post=post, reason="spam")
    services.thread_pin(moderator=moderator, thread=post.thread)
    services.user_suspend(
        moderator=moderator, forum=private_forum, user=member, reason="Too many links"
    )
    client.force_login(staff)

    pages = {path: client.get(path) for path in ADMIN_LISTINGS}

    assert {path: page.status_code for path, page in pages.items()} == dict.fromkeys(
        ADMIN_LISTINGS, 200
    )
    assert private_forum.name in pages[ADMIN_LISTINGS[0]].text
    assert "Spam or advertising" in pages[ADMIN_LISTINGS[1]].text
    assert "Pinned thread" in pages[ADMIN_LISTINGS[3]].text


def test_staff_edit_a_forum_with_its_categories(client, staff, private_forum):
    CategoryFactory(forum=private_forum, name="Platforms")
    client.force_login(staff)

    response = client.get(f"/admin/snippets/forums/forum/edit/{private_forum.pk}/")

    assert response.status_code == 200
    assert "Platforms" in response.text and "Public to read" in response.text


def test_group_moderators_do_not_get_the_forum_admin(client, moderator):
    client.force_login(moderator)

    assert client.get("/admin/snippets/forums/forum/").status_code in {302, 403}
