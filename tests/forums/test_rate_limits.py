"""Rate limits refuse with a clear message, keep the member's text, and lift."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from freezegun import freeze_time

from forums import services
from forums.models import Post, Thread
from forums.rate_limits import RateLimited
from tests.factories import MembershipFactory, UserFactory
from tests.factories.forums import ThreadFactory

NOW = "2026-03-02 08:00:00"  # tests run at this (frozen) time


def joined(username, when):
    user = UserFactory(username=username)
    user.date_joined = when
    user.save()
    return user


@pytest.fixture
def newcomer(community_forum):
    """An account created an hour before the tests' frozen time."""
    return joined("newcomer", datetime(2026, 3, 2, 7, 0, tzinfo=UTC))


@pytest.fixture
def regular(community_forum):
    return joined("regular", datetime(2025, 1, 1, tzinfo=UTC))


def start_thread(client, forum, title="Census dates", body="When do you collect?"):
    return client.post(
        reverse("forums:thread_create", args=[forum.slug]),
        {"title": title, "body": body},
    )


def test_new_account_gets_three_threads_a_day_then_a_clear_refusal_keeping_the_text(
    client, community_forum, newcomer
):
    client.force_login(newcomer)
    with freeze_time(NOW) as clock:
        for number in range(3):
            assert (
                start_thread(client, community_forum, f"Q{number}").status_code == 302
            )
            clock.tick(timedelta(minutes=10))

        response = start_thread(
            client,
            community_forum,
            title="My fourth question",
            body="Keep *this* text, please.",
        )

    assert response.status_code == 429
    page = response.text
    assert "While your account is new you can start 3 discussions a day" in page
    assert "Try again after" in page
    assert "My fourth question" in page
    assert "Keep *this* text, please." in page
    # The limit lifts 24 hours after the first of the three.
    assert int(response["Retry-After"]) == (24 * 60 - 30) * 60
    assert Thread.objects.filter(author=newcomer).count() == 3


def test_the_daily_limit_lifts_in_time(client, community_forum, newcomer):
    client.force_login(newcomer)
    with freeze_time(NOW) as clock:
        for number in range(3):
            start_thread(client, community_forum, f"Q{number}")
            clock.tick(timedelta(minutes=5))
        assert start_thread(client, community_forum, "Too soon").status_code == 429

        clock.move_to("2026-03-03 08:00:01")
        assert start_thread(client, community_forum, "Next day").status_code == 302


def test_everyone_is_limited_per_minute_and_it_lifts_after_the_minute(
    client, community_forum, regular
):
    thread = ThreadFactory(forum=community_forum)
    client.force_login(regular)
    url = reverse("forums:post_reply", args=[community_forum.slug, thread.pk])
    with freeze_time(NOW) as clock:
        for number in range(5):
            assert client.post(url, {"body": f"Reply {number}"}).status_code == 302
            clock.tick(timedelta(seconds=2))

        refused = client.post(url, {"body": "One more thought"})
        clock.tick(timedelta(seconds=51))
        allowed = client.post(url, {"body": "One more thought"})

    assert refused.status_code == 429
    assert "You can post 5 messages a minute" in refused.text
    assert "One more thought" in refused.text
    assert allowed.status_code == 302
    assert Post.objects.filter(author=regular).count() == 6


def test_new_accounts_post_few_links(client, community_forum, newcomer, regular):
    body = "See [a](https://a.example), [b](https://b.example) and <https://c.example>"

    with freeze_time(NOW):
        client.force_login(newcomer)
        refused = start_thread(client, community_forum, "Links", body)
        client.force_login(regular)
        allowed = start_thread(client, community_forum, "Links", body)

    assert refused.status_code == 429
    assert "New accounts may include at most 2 links in a post; this one has 3" in (
        refused.text
    )
    assert "https://c.example" in refused.text
    assert allowed.status_code == 302


def test_links_to_the_portal_itself_do_not_count(community_forum, newcomer):
    with freeze_time(NOW):
        thread = services.thread_create(
            author=newcomer,
            forum=community_forum,
            title="Internal",
            body="[a](/knowledge/) [b](/forums/) [c](/events/) [d](https://x.example)",
        )
    assert thread.posts.get().body_html.count("<a ") == 4


def test_group_moderators_skip_new_account_limits_and_staff_skip_all(
    private_forum, moderator, staff
):
    with freeze_time(NOW) as clock:
        for number in range(4):
            services.thread_create(
                author=moderator, forum=private_forum, title=f"T{number}", body="x"
            )
            clock.tick(timedelta(minutes=1))
        for number in range(8):
            services.thread_create(
                author=staff, forum=private_forum, title=f"S{number}", body="x"
            )

    assert Thread.objects.filter(author=moderator).count() == 4
    assert Thread.objects.filter(author=staff).count() == 8


def test_deleting_posts_does_not_reset_the_limit(private_forum, group):
    author = MembershipFactory(
        group=group, user=joined("veteran", datetime(2025, 1, 1, tzinfo=UTC))
    ).user
    thread = ThreadFactory(forum=private_forum)
    with freeze_time(NOW):
        for number in range(5):
            post = services.post_create(author=author, thread=thread, body=f"{number}")
            services.post_delete(actor=author, post=post)
        with pytest.raises(RateLimited) as refused:
            services.post_create(author=author, thread=thread, body="again")

    assert refused.value.retry_at.isoformat() == "2026-03-02T08:01:00+00:00"


def test_editing_cannot_add_the_links_a_new_account_may_not_post(
    client, community_forum, newcomer
):
    """Issue 9, item 11: the limit held for new posts only; an edit after the
    post was accepted added as many links as it liked."""
    many_links = "[a](https://a.example) [b](https://b.example) <https://c.example>"
    with freeze_time(NOW):
        thread = services.thread_create(
            author=newcomer, forum=community_forum, title="Links", body="No links."
        )
        post = thread.posts.get()
        client.force_login(newcomer)
        refused = client.post(
            reverse("forums:post_edit", args=[post.pk]),
            {"body": many_links, "title": "Links"},
        )

    post.refresh_from_db()
    assert refused.status_code == 429
    assert refused.has_header("Retry-After")
    assert post.body == "No links."
    with freeze_time(NOW), pytest.raises(RateLimited):
        services.post_edit(editor=newcomer, post=post, body=many_links)
