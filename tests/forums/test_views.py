"""The forum pages as members use them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forums import services
from forums.models import Flag, ModerationAction, Post, Suspension, Thread
from tests.factories.forums import CategoryFactory, PostFactory, ThreadFactory


def test_forum_index_lists_readable_forums_with_counts(
    client, private_forum, public_forum, community_forum, member
):
    ThreadFactory(forum=public_forum, title="Budget talk")
    client.force_login(member)

    page = client.get("/forums/").text

    for forum in (private_forum, public_forum, community_forum):
        assert forum.get_absolute_url() in page
    assert "Budget talk" in page
    assert "Members only" in page


def test_forum_page_lists_pinned_first_then_latest_activity(
    client, community_forum, member
):
    now = timezone.now()
    ThreadFactory(
        forum=community_forum, title="Old news", last_post_at=now - timedelta(days=9)
    )
    ThreadFactory(
        forum=community_forum,
        title="Rules",
        is_pinned=True,
        last_post_at=now - timedelta(days=30),
    )
    ThreadFactory(forum=community_forum, title="Fresh question", last_post_at=now)

    page = client.get(community_forum.get_absolute_url()).text

    assert page.index("Rules") < page.index("Fresh question") < page.index("Old news")


def test_forum_page_sorts_filters_by_category_and_paginates(client, community_forum):
    questions = CategoryFactory(
        forum=community_forum, name="Questions", slug="questions"
    )
    ThreadFactory(forum=community_forum, title="Busy one", reply_count=9)
    ThreadFactory(forum=community_forum, title="In questions", category=questions)
    for number in range(30):
        ThreadFactory(forum=community_forum, title=f"Filler {number}")

    by_replies = client.get(community_forum.get_absolute_url() + "?sort=replies").text
    in_category = client.get(community_forum.get_absolute_url() + "?category=questions")
    second_page = client.get(community_forum.get_absolute_url() + "?page=2")

    assert by_replies.index("Busy one") < by_replies.index("Filler")
    assert "In questions" in in_category.text and "Busy one" not in in_category.text
    assert second_page.context["page_obj"].number == 2
    assert len(second_page.context["threads"]) == 32 - 25
    assert (
        client.get(community_forum.get_absolute_url() + "?category=nope").status_code
        == 404
    )


def test_member_starts_a_discussion_through_the_form(client, private_forum, member):
    client.force_login(member)

    response = client.post(
        reverse("forums:thread_create", args=[private_forum.slug]),
        {"title": "Offline data collection", "body": "Has anyone used **ODK**?"},
        follow=True,
    )

    thread = Thread.objects.get(title="Offline data collection")
    assert response.redirect_chain[-1][0] == thread.get_absolute_url()
    assert "<strong>ODK</strong>" in response.text
    assert "Your discussion has started." in response.text


def test_a_bad_thread_form_keeps_the_text(client, private_forum, member):
    client.force_login(member)

    response = client.post(
        reverse("forums:thread_create", args=[private_forum.slug]),
        {"title": "", "body": "A long careful question I do not want to lose."},
    )

    assert response.status_code == 200
    assert "A long careful question I do not want to lose." in response.text
    assert "This field is required." in response.text


def test_quoting_a_post_prefills_the_reply_and_links_back(
    client, private_forum, member, second_member
):
    thread = ThreadFactory(
        forum=private_forum, author=member, body="Line one\nLine two"
    )
    first = thread.posts.get()
    client.force_login(second_member)
    reply_url = reverse("forums:post_reply", args=[private_forum.slug, thread.pk])

    form = client.get(f"{reply_url}?quote={first.pk}")
    body = form.context["form"].initial["body"]
    response = client.post(
        reply_url, {"body": body + "I agree.", "quoted_post": first.pk}, follow=True
    )

    assert body.startswith(f"> **Member** [wrote](/forums/post/{first.pk}/):")
    assert "> Line one\n> Line two" in body
    reply = Post.objects.get(thread=thread, position=2)
    assert reply.quoted_post == first
    assert "<blockquote>" in reply.body_html
    assert f'href="/forums/post/{first.pk}/"' in reply.body_html
    assert f'id="post-{reply.pk}"' in response.text


def test_thread_page_offers_quote_links_with_the_quote_for_scripts(
    client, private_forum, member
):
    thread = ThreadFactory(forum=private_forum, body="Quote me")
    client.force_login(member)

    page = client.get(thread.get_absolute_url()).text

    assert f"?quote={thread.posts.get().pk}" in page
    assert 'data-quote="&gt; **' in page


def test_permalink_to_post_837_opens_its_page_at_the_post(client, community_forum):
    thread = ThreadFactory(forum=community_forum)
    Post.objects.bulk_create(
        Post(thread=thread, author=thread.author, position=n, body="x", body_html="x")
        for n in range(2, 901)
    )
    services.thread_counters_refresh(thread=thread)
    post = Post.objects.get(thread=thread, position=837)

    response = client.get(f"/forums/post/{post.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"{thread.get_absolute_url()}?page=42#post-{post.pk}"
    page = client.get(response["Location"].split("#")[0])
    assert f'id="post-{post.pk}"' in page.text


def test_permalinks_respect_read_access(client, private_forum, non_member):
    post = PostFactory(thread=ThreadFactory(forum=private_forum))
    client.force_login(non_member)

    response = client.get(f"/forums/post/{post.pk}/")

    assert response.status_code == 404
    assert private_forum.name not in response.text


def test_unread_markers_and_jump_to_first_unread(
    client, private_forum, member, second_member
):
    thread = ThreadFactory(forum=private_forum, author=second_member)
    PostFactory(thread=thread, author=second_member)
    client.force_login(member)
    forum_url = private_forum.get_absolute_url()

    assert "New</span>" in client.get(forum_url).text  # never opened
    client.get(thread.get_absolute_url())  # reads posts 1-2
    assert "thread-row--unread" not in client.get(forum_url).text

    new = PostFactory(thread=thread, author=second_member)
    PostFactory(thread=thread, author=second_member)
    listing = client.get(forum_url).text
    jump = client.get(
        reverse("forums:thread_unread", args=[private_forum.slug, thread.pk])
    )

    assert "thread-row--unread" in listing and "New posts" in listing
    assert jump["Location"] == f"{thread.get_absolute_url()}#post-{new.pk}"
    page = client.get(thread.get_absolute_url()).text
    assert 'id="first-unread"' in page


def test_edit_history_is_for_the_author_and_moderators(
    client, private_forum, member, second_member, moderator
):
    post = PostFactory(
        thread=ThreadFactory(forum=private_forum), author=member, body="v1"
    )
    client.force_login(member)
    client.post(reverse("forums:post_edit", args=[post.pk]), {"body": "v2"})
    history_url = reverse("forums:post_history", args=[post.pk])

    author_view = client.get(history_url)
    client.force_login(moderator)
    moderator_view = client.get(history_url)
    client.force_login(second_member)
    other_view = client.get(history_url)
    thread_page = client.get(post.thread.get_absolute_url()).text

    assert author_view.status_code == moderator_view.status_code == 200
    assert "v1" in author_view.text and "v2" in author_view.text
    assert other_view.status_code == 403
    assert "Edited by Member" in thread_page


def test_hidden_and_deleted_posts_show_placeholders(
    client, private_forum, member, second_member, moderator
):
    thread = ThreadFactory(forum=private_forum)
    hidden = PostFactory(thread=thread, author=member, body="Rude remark")
    deleted = PostFactory(thread=thread, author=member, body="Oops wrong thread")
    services.post_hide(moderator=moderator, post=hidden)
    services.post_delete(actor=member, post=deleted)

    client.force_login(second_member)
    others = client.get(thread.get_absolute_url()).text
    client.force_login(member)
    author = client.get(thread.get_absolute_url()).text

    assert "Rude remark" not in others and "hidden by a moderator" in others
    assert "Oops wrong thread" not in others and "This post was deleted." in others
    assert "Rude remark" in author and "only moderators and the author" in author


def test_hidden_thread_is_gone_for_members_but_not_moderators(
    client, private_forum, member, moderator
):
    thread = ThreadFactory(forum=private_forum, title="Heated")
    services.thread_hide(moderator=moderator, thread=thread)

    client.force_login(member)
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert "Heated" not in client.get(private_forum.get_absolute_url()).text
    client.force_login(moderator)
    assert client.get(thread.get_absolute_url()).status_code == 200


def test_flag_goes_to_the_moderation_queue_and_is_handled_there(
    client, private_forum, member, second_member, moderator
):
    post = PostFactory(
        thread=ThreadFactory(forum=private_forum),
        author=second_member,
        body="Buy pills",
    )
    client.force_login(member)
    client.post(
        reverse("forums:post_flag", args=[post.pk]),
        {"reason": "spam", "details": "Advert"},
    )

    client.force_login(moderator)
    queue = client.get(reverse("forums:moderation", args=[private_forum.slug]))
    flag = Flag.objects.get()
    client.post(reverse("forums:flag_resolve", args=[flag.pk]), {"action": "hide"})
    empty_queue = client.get(reverse("forums:moderation", args=[private_forum.slug]))
    log = client.get(reverse("forums:moderation_log", args=[private_forum.slug]))

    assert "Spam or advertising" in queue.text and "Buy pills" in queue.text
    assert "Advert" in queue.text
    assert "Nothing flagged" in empty_queue.text
    assert "Hid post" in log.text
    post.refresh_from_db()
    assert post.is_hidden


def test_moderators_see_flag_counts_on_posts(client, private_forum, member, moderator):
    post = PostFactory(thread=ThreadFactory(forum=private_forum))
    services.post_flag(reporter=member, post=post, reason="spam")

    client.force_login(moderator)
    moderator_page = client.get(post.thread.get_absolute_url()).text
    client.force_login(member)
    member_page = client.get(post.thread.get_absolute_url()).text

    assert "1 flag" in moderator_page and "1 flag" not in member_page


def test_moderator_tools_pin_lock_move_on_the_thread_page(
    client, private_forum, community_forum, moderator, member
):
    thread = ThreadFactory(forum=private_forum, author=member)
    client.force_login(moderator)
    url = reverse("forums:thread_moderate", args=[private_forum.slug, thread.pk])

    client.post(url, {"action": "pin"})
    client.post(url, {"action": "lock"})
    client.post(
        reverse("forums:thread_move", args=[private_forum.slug, thread.pk]),
        {"forum": community_forum.pk},
    )

    thread.refresh_from_db()
    assert thread.is_pinned and thread.is_locked and thread.forum == community_forum
    assert set(
        ModerationAction.objects.filter(thread=thread).values_list("action", flat=True)
    ) == {"pin", "lock", "move"}
    client.force_login(member)
    assert (
        client.post(
            url.replace(private_forum.slug, community_forum.slug), {"action": "unlock"}
        ).status_code
        == 403
    )


def test_moderation_actions_are_post_only(client, private_forum, moderator):
    thread = ThreadFactory(forum=private_forum)
    client.force_login(moderator)

    response = client.get(
        reverse("forums:thread_moderate", args=[private_forum.slug, thread.pk])
    )

    assert response.status_code == 405


def test_suspending_from_the_queue(client, private_forum, member, moderator):
    client.force_login(moderator)

    response = client.post(
        reverse("forums:user_suspend", args=[private_forum.slug]),
        {"username": "@member", "duration": "7", "reason": "Repeated spam"},
        follow=True,
    )

    suspension = Suspension.objects.get()
    assert suspension.user == member and suspension.reason == "Repeated spam"
    assert suspension.ends_at > timezone.now() + timedelta(days=6)
    assert "can no longer post" in response.text
    client.force_login(member)
    page = client.get(private_forum.get_absolute_url()).text
    assert "You are suspended from posting in this forum." in page


def test_mark_answer_from_the_thread_page(client, private_forum, member, second_member):
    thread = ThreadFactory(forum=private_forum, author=member)
    reply = PostFactory(thread=thread, author=second_member)
    client.force_login(member)

    client.post(
        reverse("forums:thread_mark_answer", args=[private_forum.slug, thread.pk]),
        {"post": reply.pk},
    )

    page = client.get(thread.get_absolute_url()).text
    assert "Accepted answer" in page and "Unmark answer" in page
    assert "Answered" in client.get(private_forum.get_absolute_url()).text


def test_public_forum_feed_lists_visible_threads(client, public_forum, moderator):
    ThreadFactory(forum=public_forum, title="Costing EMIS", body="Per-school costs")
    ThreadFactory(forum=public_forum, title="Secret spam", is_hidden=True)

    response = client.get(reverse("forums:forum_feed", args=[public_forum.slug]))

    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Costing EMIS" in response.text and "Per-school costs" in response.text
    assert "Secret spam" not in response.text


def test_follow_and_unfollow_a_forum_and_change_email_settings(
    client, public_forum, member
):
    client.force_login(member)
    client.post(reverse("forums:forum_subscribe", args=[public_forum.slug]))

    settings_page = client.get(reverse("forums:preferences"))
    client.post(
        reverse("forums:preferences"), {"delivery": "weekly", "email_mentions": "on"}
    )
    client.post(
        reverse("forums:forum_subscribe", args=[public_forum.slug]),
        {"action": "unfollow"},
    )

    assert public_forum.name in settings_page.text
    assert member.forum_preference.delivery == "weekly"
    assert not member.forum_subscriptions.exists()


@pytest.mark.parametrize("slug", ["moderation", "settings", "post"])
def test_reserved_slugs_cannot_name_a_forum(slug):
    from django.core.exceptions import ValidationError

    from forums.models import Forum

    with pytest.raises(ValidationError):
        Forum(name="X", slug=slug).full_clean()


def test_home_page_shows_recent_discussions_the_visitor_may_read(
    client, private_forum, community_forum
):
    ThreadFactory(forum=community_forum, title="Open chat")
    ThreadFactory(forum=private_forum, title="Closed chat")

    page = client.get("/").text

    assert "Open chat" in page and "Closed chat" not in page


def test_group_moderators_open_their_forum_to_everyone(
    client, private_forum, moderator, member, non_member
):
    ThreadFactory(forum=private_forum, title="Now public")
    client.force_login(member)
    assert (
        client.post(
            reverse("forums:forum_settings", args=[private_forum.slug]),
            {"public_read": "1"},
        ).status_code
        == 403
    )
    client.force_login(moderator)

    client.post(
        reverse("forums:forum_settings", args=[private_forum.slug]),
        {"public_read": "1", "description": "Open to all readers"},
    )

    client.force_login(non_member)
    page = client.get(private_forum.get_absolute_url())
    assert page.status_code == 200 and "Now public" in page.text
    assert ModerationAction.objects.get(forum=private_forum).action == "settings"
