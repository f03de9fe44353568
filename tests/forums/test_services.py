"""Forum services: each write does its job and refuses those who may not."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forums import services
from forums.models import Flag, ModerationAction, Post, PostRevision, Subscription
from tests.factories import MembershipFactory
from tests.factories.forums import CategoryFactory, PostFactory, ThreadFactory


def logged(forum, action):
    return ModerationAction.objects.filter(forum=forum, action=action)


# Threads and posts -------------------------------------------------------------


def test_member_starts_a_thread_with_its_first_post(private_forum, member):
    category = CategoryFactory(forum=private_forum, name="Platforms")

    thread = services.thread_create(
        author=member,
        forum=private_forum,
        title="  Which   census platform?  ",
        body="We are choosing **now**.",
        category=category,
    )

    private_forum.refresh_from_db()
    first = thread.posts.get()
    assert thread.title == "Which census platform?"
    assert (first.position, first.author) == (1, member)
    assert "<strong>now</strong>" in first.body_html
    assert (private_forum.thread_count, private_forum.post_count) == (1, 1)
    assert private_forum.last_post == first
    assert Subscription.objects.filter(user=member, thread=thread).exists()


def test_outsider_cannot_start_a_thread(private_forum, non_member):
    with pytest.raises(PermissionDenied):
        services.thread_create(
            author=non_member, forum=private_forum, title="Hi", body="Let me in"
        )


@pytest.mark.parametrize(
    ("title", "body", "field"), [("", "Body", "title"), ("Title", "   ", "body")]
)
def test_thread_needs_a_title_and_a_body(private_forum, member, title, body, field):
    with pytest.raises(ValidationError) as error:
        services.thread_create(
            author=member, forum=private_forum, title=title, body=body
        )
    assert field in error.value.message_dict


def test_category_must_belong_to_the_forum(private_forum, public_forum, member):
    with pytest.raises(ValidationError):
        services.thread_create(
            author=member,
            forum=private_forum,
            title="Hi",
            body="Hello",
            category=CategoryFactory(forum=public_forum),
        )


def test_replies_get_the_next_position_and_update_the_counters(
    private_forum, member, second_member
):
    thread = ThreadFactory(forum=private_forum, author=member)

    first = services.post_create(author=second_member, thread=thread, body="One")
    second = services.post_create(author=member, thread=thread, body="Two")

    thread.refresh_from_db()
    private_forum.refresh_from_db()
    assert (first.position, second.position) == (2, 3)
    assert (thread.reply_count, thread.last_position) == (2, 3)
    assert (thread.last_post, thread.last_poster) == (second, member)
    assert private_forum.post_count == 3
    assert Subscription.objects.filter(user=second_member, thread=thread).exists()


def test_locked_thread_refuses_member_replies(private_forum, member, moderator):
    thread = ThreadFactory(forum=private_forum)
    services.thread_lock(moderator=moderator, thread=thread, locked=True)

    with pytest.raises(PermissionDenied):
        services.post_create(author=member, thread=thread, body="Wait!")
    assert services.post_create(author=moderator, thread=thread, body="Closing note")


def test_editing_keeps_the_previous_text_with_who_and_when(private_forum, member):
    post = PostFactory(thread=ThreadFactory(forum=private_forum), author=member)
    original = post.body

    services.post_edit(editor=member, post=post, body="Better wording")
    services.post_edit(editor=member, post=post, body="Best wording")

    post.refresh_from_db()
    revisions = list(PostRevision.objects.filter(post=post).order_by("edited_at", "pk"))
    assert post.body == "Best wording" and post.edited_by == member
    assert [r.previous_body for r in revisions] == [original, "Better wording"]
    assert all(r.edited_by == member and r.edited_at for r in revisions)
    assert not logged(private_forum, ModerationAction.Action.EDIT_POST).exists()


def test_editing_the_first_post_can_rename_the_thread(private_forum, member):
    thread = ThreadFactory(forum=private_forum, author=member)

    services.post_edit(
        editor=member, post=thread.posts.get(), body="Same", title="A clearer title"
    )

    thread.refresh_from_db()
    assert thread.title == "A clearer title"


def test_others_cannot_edit_but_moderators_can_and_are_logged(
    private_forum, member, second_member, moderator
):
    post = PostFactory(thread=ThreadFactory(forum=private_forum), author=member)

    with pytest.raises(PermissionDenied):
        services.post_edit(editor=second_member, post=post, body="Vandalised")
    services.post_edit(editor=moderator, post=post, body="Removed a phone number")

    entry = logged(private_forum, ModerationAction.Action.EDIT_POST).get()
    assert (entry.moderator, entry.post, entry.target_user) == (moderator, post, member)


def test_delete_is_soft_and_updates_counters(private_forum, member, moderator):
    thread = ThreadFactory(forum=private_forum)
    post = PostFactory(thread=thread, author=member)
    services.thread_mark_answer(actor=moderator, thread=thread, post=post)

    services.post_delete(actor=member, post=post)

    thread.refresh_from_db()
    assert Post.objects.filter(pk=post.pk, deleted_at__isnull=False).exists()
    assert thread.reply_count == 0 and thread.answer is None
    assert not logged(private_forum, ModerationAction.Action.DELETE_POST).exists()


def test_only_authors_and_moderators_delete_and_moderators_are_logged(
    private_forum, member, second_member, moderator
):
    thread = ThreadFactory(forum=private_forum)
    post = PostFactory(thread=thread, author=member)

    with pytest.raises(PermissionDenied):
        services.post_delete(actor=second_member, post=post)
    with pytest.raises(PermissionDenied):  # the first post goes with its thread
        services.post_delete(actor=moderator, post=thread.posts.get(position=1))
    services.post_delete(actor=moderator, post=post)

    assert logged(private_forum, ModerationAction.Action.DELETE_POST).count() == 1


def test_authors_delete_their_thread_only_before_anyone_replies(
    private_forum, member, second_member, moderator
):
    lonely = ThreadFactory(forum=private_forum, author=member)
    answered = ThreadFactory(forum=private_forum, author=member)
    PostFactory(thread=answered, author=second_member)

    services.thread_delete(actor=member, thread=lonely)
    with pytest.raises(PermissionDenied):
        services.thread_delete(actor=member, thread=answered)
    services.thread_delete(actor=moderator, thread=answered)

    private_forum.refresh_from_db()
    assert private_forum.thread_count == 0
    assert logged(private_forum, ModerationAction.Action.DELETE_THREAD).count() == 1


# Moderation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "field", "on", "off"),
    [
        (services.thread_pin, "is_pinned", "pin", "unpin"),
        (services.thread_lock, "is_locked", "lock", "unlock"),
        (services.thread_hide, "is_hidden", "hide-thread", "unhide-thread"),
    ],
)
def test_thread_moderation_toggles_and_is_logged(
    private_forum, member, moderator, service, field, on, off
):
    thread = ThreadFactory(forum=private_forum)
    flag_name = field.removeprefix("is_")
    with pytest.raises(PermissionDenied):
        service(moderator=member, thread=thread, **{flag_name: True})

    service(moderator=moderator, thread=thread, **{flag_name: True})
    thread.refresh_from_db()
    assert getattr(thread, field) is True
    service(moderator=moderator, thread=thread, **{flag_name: False})
    thread.refresh_from_db()

    assert getattr(thread, field) is False
    assert [a.action for a in logged(private_forum, on)] == [on]
    assert [a.action for a in logged(private_forum, off)] == [off]


def test_moderator_of_another_group_cannot_moderate_here(
    private_forum, other_moderator
):
    with pytest.raises(PermissionDenied):
        services.thread_pin(
            moderator=other_moderator, thread=ThreadFactory(forum=private_forum)
        )


def test_move_needs_both_forums_moderated_and_keeps_counters_right(
    private_forum, public_forum, moderator, staff
):
    thread = ThreadFactory(forum=private_forum)
    PostFactory(thread=thread)
    target = CategoryFactory(forum=public_forum, name="Financing")

    with pytest.raises(PermissionDenied):
        services.thread_move(moderator=moderator, thread=thread, forum=public_forum)
    services.thread_move(
        moderator=staff, thread=thread, forum=public_forum, category=target
    )

    thread.refresh_from_db()
    private_forum.refresh_from_db()
    public_forum.refresh_from_db()
    assert (thread.forum, thread.category) == (public_forum, target)
    assert (private_forum.thread_count, private_forum.post_count) == (0, 0)
    assert (public_forum.thread_count, public_forum.post_count) == (1, 2)
    assert (
        logged(private_forum, "move").exists() and logged(public_forum, "move").exists()
    )


def test_hiding_a_reply_resolves_its_flags_and_hides_it_from_counts(
    private_forum, moderator, member
):
    thread = ThreadFactory(forum=private_forum)
    post = PostFactory(thread=thread)
    flag = services.post_flag(reporter=member, post=post, reason=Flag.Reason.SPAM)

    with pytest.raises(PermissionDenied):
        services.post_hide(moderator=member, post=post)
    services.post_hide(moderator=moderator, post=post)

    flag.refresh_from_db()
    thread.refresh_from_db()
    assert flag.status == Flag.Status.ACTIONED and flag.resolved_by == moderator
    assert thread.reply_count == 0
    services.post_hide(moderator=moderator, post=post, hidden=False)
    thread.refresh_from_db()
    assert thread.reply_count == 1
    assert logged(private_forum, "hide-post").exists()
    assert logged(private_forum, "unhide-post").exists()


def test_flagging_rules(private_forum, member, second_member, non_member):
    post = PostFactory(thread=ThreadFactory(forum=private_forum), author=second_member)

    flag = services.post_flag(
        reporter=member, post=post, reason=Flag.Reason.OFFENSIVE, details="Rude"
    )
    again = services.post_flag(reporter=member, post=post, reason=Flag.Reason.SPAM)

    assert again == flag and Flag.objects.count() == 1
    with pytest.raises(PermissionDenied):  # cannot read the forum
        services.post_flag(reporter=non_member, post=post, reason=Flag.Reason.SPAM)
    with pytest.raises(PermissionDenied):  # own post
        services.post_flag(reporter=second_member, post=post, reason=Flag.Reason.SPAM)
    with pytest.raises(ValidationError):  # "other" needs details
        services.post_flag(
            reporter=MembershipFactory(group=private_forum.group).user,
            post=post,
            reason=Flag.Reason.OTHER,
        )


def test_dismissing_a_flag_is_for_moderators_and_logged(
    private_forum, member, moderator
):
    flag = services.post_flag(
        reporter=member,
        post=PostFactory(thread=ThreadFactory(forum=private_forum)),
        reason=Flag.Reason.OFF_TOPIC,
    )
    with pytest.raises(PermissionDenied):
        services.flag_dismiss(moderator=member, flag=flag)

    services.flag_dismiss(moderator=moderator, flag=flag)

    flag.refresh_from_db()
    assert flag.status == Flag.Status.DISMISSED
    assert logged(private_forum, "dismiss-flag").get().moderator == moderator


def test_thread_author_or_moderator_marks_the_answer(
    private_forum, member, second_member, moderator
):
    thread = ThreadFactory(forum=private_forum, author=member)
    reply = PostFactory(thread=thread, author=second_member)
    other = PostFactory(thread=thread, author=moderator)

    with pytest.raises(PermissionDenied):
        services.thread_mark_answer(actor=second_member, thread=thread, post=reply)
    services.thread_mark_answer(actor=member, thread=thread, post=reply)
    thread.refresh_from_db()
    assert thread.answer == reply
    assert not logged(private_forum, "mark-answer").exists()

    services.thread_mark_answer(actor=moderator, thread=thread, post=other)
    thread.refresh_from_db()
    assert thread.answer == other
    assert logged(private_forum, "mark-answer").get().moderator == moderator
    with pytest.raises(ValidationError):
        services.thread_mark_answer(
            actor=member, thread=thread, post=thread.posts.get(position=1)
        )


def test_suspension_stops_posting_until_lifted(private_forum, member, moderator):
    thread = ThreadFactory(forum=private_forum)

    suspension = services.user_suspend(
        moderator=moderator, forum=private_forum, user=member, reason="Spamming links"
    )
    with pytest.raises(PermissionDenied):
        services.post_create(author=member, thread=thread, body="Buy now")
    services.suspension_lift(moderator=moderator, suspension=suspension)

    assert services.post_create(author=member, thread=thread, body="Sorry, all good")
    assert logged(private_forum, "suspend").get().target_user == member
    assert logged(private_forum, "unsuspend").exists()


def test_suspension_rules(private_forum, member, moderator, other_moderator, staff):
    with pytest.raises(PermissionDenied):
        services.user_suspend(
            moderator=other_moderator, forum=private_forum, user=member, reason="x"
        )
    with pytest.raises(ValidationError):
        services.user_suspend(
            moderator=staff, forum=private_forum, user=moderator, reason="x"
        )
    with pytest.raises(ValidationError):
        services.user_suspend(
            moderator=moderator, forum=private_forum, user=member, reason=" "
        )


# Notifications ---------------------------------------------------------------------


def test_new_reply_emails_followers_once_with_one_click_unsubscribe(
    private_forum, member, second_member, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(
            author=member, forum=private_forum, title="Census", body="Dates?"
        )
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(author=second_member, thread=thread, body="March.")

    assert [m.to for m in mailoutbox] == [[member.email]]
    message = mailoutbox[0]
    assert "New reply in “Census”" in message.subject
    assert "March." in message.body
    assert (
        message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    )
    assert "/forums/unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def test_mentions_notify_only_people_who_can_read_and_only_once(
    private_forum,
    member,
    second_member,
    non_member,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    thread = ThreadFactory(forum=private_forum, author=member)
    Subscription.objects.filter(thread=thread).delete()

    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(
            author=member,
            thread=thread,
            body=f"What do @{second_member.username} and @{non_member.username} think?",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(
            editor=member, post=post, body=f"@{second_member.username}, any thoughts?"
        )

    assert [m.to for m in mailoutbox] == [[second_member.email]]
    assert "mentioned you" in mailoutbox[0].subject


def test_flags_email_the_groups_moderators(
    private_forum, member, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    post = PostFactory(thread=ThreadFactory(forum=private_forum))

    with django_capture_on_commit_callbacks(execute=True):
        services.post_flag(reporter=member, post=post, reason=Flag.Reason.SPAM)

    assert [m.to for m in mailoutbox] == [[moderator.email]]
    assert f"/forums/{private_forum.slug}/moderation/" in mailoutbox[0].body


def test_group_forum_is_created_when_a_group_is_published(
    home_page, django_capture_on_commit_callbacks
):
    from tests.factories import WorkingGroupFactory

    with django_capture_on_commit_callbacks(execute=True):
        group = WorkingGroupFactory(title="Data quality")

    forum = group.forums.get()
    assert (forum.name, forum.slug, forum.public_read) == (
        "Data quality",
        "data-quality",
        False,
    )
