"""Query budgets: a thread page costs the same with 20 or 1,000 posts, and a forum
page the same with 10 or 1,000 threads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forums.markdown import render_markdown
from forums.models import Forum, Post, Thread
from forums.services import forum_counters_refresh, thread_counters_refresh
from tests.factories.forums import CategoryFactory, ForumFactory

BUDGET = 30  # generous ceiling; the real check is "the same count"


def thread_with_posts(forum, authors, count):
    start = timezone.now() - timedelta(days=30)
    thread = Thread.objects.create(
        forum=forum, title=f"Thread of {count}", author=authors[0], created_at=start
    )
    html = render_markdown("A **reply** with [a link](https://example.org).")
    Post.objects.bulk_create(
        Post(
            thread=thread,
            author=authors[number % len(authors)],
            position=number,
            body="A **reply** with [a link](https://example.org).",
            body_html=html,
            created_at=start + timedelta(minutes=number),
            edited_at=start + timedelta(minutes=number + 1)
            if number % 7 == 0
            else None,
            edited_by=authors[0] if number % 7 == 0 else None,
            is_hidden=number % 11 == 0,
            deleted_at=start if number % 13 == 0 else None,
        )
        for number in range(1, count + 1)
    )
    thread_counters_refresh(thread=thread)
    return thread


def forum_with_threads(authors, count, slug):
    forum = ForumFactory(slug=slug, name=slug)
    categories = [CategoryFactory(forum=forum) for _ in range(3)]
    now = timezone.now()
    threads = Thread.objects.bulk_create(
        Thread(
            forum=forum,
            category=categories[number % 3],
            title=f"Discussion {number}",
            author=authors[number % len(authors)],
            last_poster=authors[(number + 1) % len(authors)],
            created_at=now - timedelta(hours=number),
            last_post_at=now - timedelta(minutes=number),
            last_position=1 + number % 5,
            reply_count=number % 5,
            is_pinned=number % 97 == 0,
        )
        for number in range(count)
    )
    Post.objects.bulk_create(
        Post(thread=thread, author=thread.author, position=1, body="x", body_html="x")
        for thread in threads
    )
    forum_counters_refresh(forum=forum)
    return forum


def count_queries(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(BUDGET) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["visitor", "member", "moderator"])
def test_thread_page_costs_the_same_for_20_or_1000_posts(
    who,
    client,
    community_forum,
    member,
    second_member,
    moderator,
    django_assert_max_num_queries,
):
    authors = [member, second_member, moderator]
    small = thread_with_posts(community_forum, authors, 20)
    large = thread_with_posts(community_forum, authors, 1000)
    if who != "visitor":
        client.force_login({"member": member, "moderator": moderator}[who])
    # Warm per-process caches (Wagtail's site root paths) before counting.
    client.get(small.get_absolute_url())

    small_count = count_queries(
        client, small.get_absolute_url(), django_assert_max_num_queries
    )
    large_first = count_queries(
        client, large.get_absolute_url(), django_assert_max_num_queries
    )
    large_middle = count_queries(
        client, large.get_absolute_url() + "?page=25", django_assert_max_num_queries
    )

    assert small_count == large_first == large_middle


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_forum_page_costs_the_same_for_10_or_1000_threads(
    who, client, member, second_member, django_assert_max_num_queries
):
    authors = [member, second_member]
    small = forum_with_threads(authors, 10, "small")
    large = forum_with_threads(authors, 1000, "large")
    if who == "member":
        client.force_login(member)
    client.get(small.get_absolute_url())

    counts = [
        count_queries(client, url, django_assert_max_num_queries)
        for url in [
            small.get_absolute_url(),
            large.get_absolute_url(),
            large.get_absolute_url() + "?page=30&sort=replies",
        ]
    ]

    assert counts[0] == counts[1] == counts[2]
    assert Forum.objects.get(slug="large").thread_count == 1000


def test_forum_index_cost_does_not_grow_with_forums(
    client, member, second_member, django_assert_max_num_queries
):
    forum_with_threads([member, second_member], 5, "first")
    client.force_login(member)
    client.get("/forums/")
    few = count_queries(client, "/forums/", django_assert_max_num_queries)
    for number in range(10):
        forum_with_threads([member, second_member], 3, f"more-{number}")

    assert count_queries(client, "/forums/", django_assert_max_num_queries) == few
