"""Issue 9, item 8: a private item answers exactly like a missing one.

For every surface, a person who may not see the item gets the same status (404)
as for an item that does not exist, and the 404 page offers a sign-in link
that names nothing.
"""

import pytest

pytestmark = pytest.mark.django_db


def _surfaces(world):
    """(what, URL of the private item, URL of a missing item of the same kind)."""
    post = world["post"]
    return [
        ("resource", "/knowledge/secret-blueprint/", "/knowledge/no-such-thing/"),
        (
            "resource by its tree path",
            "/working-groups/technologies/secret-blueprint/",
            "/working-groups/technologies/no-such-thing/",
        ),
        (
            "citation",
            "/knowledge/secret-blueprint/cite.bib",
            "/knowledge/no-such-thing/cite.bib",
        ),
        ("event", "/events/members-meeting/", "/events/no-such-event/"),
        (
            "event calendar",
            "/events/members-meeting/event.ics",
            "/events/no-such-event/event.ics",
        ),
        ("group", "/working-groups/closed-circle/", "/working-groups/no-such-group/"),
        (
            "group calendar",
            "/working-groups/closed-circle/calendar.ics",
            "/working-groups/no-such-group/calendar.ics",
        ),
        (
            "group members",
            "/working-groups/closed-circle/members/",
            "/working-groups/no-such-group/members/",
        ),
        ("forum", "/forums/technologies-forum/", "/forums/no-such-forum/"),
        (
            "thread",
            world["thread"].get_absolute_url(),
            f"/forums/technologies-forum/{world['thread'].pk + 1000}/",
        ),
        (
            "post permalink",
            f"/forums/post/{post.pk}/",
            f"/forums/post/{post.pk + 1000}/",
        ),
        ("tag page", "/knowledge/tags/only-secret/", "/knowledge/tags/no-such-tag/"),
        (
            "tag feed",
            "/feeds/resources/tag/only-secret/",
            "/feeds/resources/tag/no-such-tag/",
        ),
        (
            "attachment",
            world["document"].url,
            world["document"].url.replace(
                f"/{world['document'].pk}/", f"/{world['document'].pk + 1000}/"
            ),
        ),
    ]


@pytest.mark.parametrize("who", ["visitor", "outsider", "former"])
def test_private_and_missing_items_get_the_same_answer(client, world, who):
    if who != "visitor":
        client.force_login(world[who])

    answers = {
        what: (client.get(private).status_code, client.get(missing).status_code)
        for what, private, missing in _surfaces(world)
    }

    assert answers == dict.fromkeys(answers, (404, 404))


def test_signed_in_group_join_of_a_private_group_is_missing(client, world):
    client.force_login(world["outsider"])

    assert client.get("/working-groups/closed-circle/join/").status_code == 404
    assert client.get("/working-groups/no-such-group/join/").status_code == 404


def test_the_not_found_page_offers_sign_in_and_names_nothing(client, world):
    response = client.get(f"/forums/post/{world['post'].pk}/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "/accounts/login/?next=" in page
    assert "Technologies forum" not in page
    assert "Secret plans" not in page


def test_members_see_what_is_theirs(client, world):
    client.force_login(world["member"])

    for _what, private, _missing in _surfaces(world):
        if "tree path" in _what:
            assert client.get(private).status_code == 301
        elif "permalink" in _what:
            assert client.get(private).status_code == 302
        else:
            assert client.get(private).status_code == 200, private
