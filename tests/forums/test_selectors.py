from django.contrib.auth.models import AnonymousUser

from forums.selectors import flag_list_open, thread_list_recent
from tests.factories.forums import FlagFactory, PostFactory, ThreadFactory


def test_recent_threads_only_show_forums_the_user_may_read(
    private_forum, public_forum, community_forum, member, non_member
):
    private = ThreadFactory(forum=private_forum, title="Members-only talk")
    public = ThreadFactory(forum=public_forum, title="Public budget talk")
    open_thread = ThreadFactory(forum=community_forum, title="Hello everyone")

    visitor_titles = {t.title for t in thread_list_recent(user=AnonymousUser())}
    member_titles = {t.title for t in thread_list_recent(user=member)}

    assert visitor_titles == {public.title, open_thread.title}
    assert {t.title for t in thread_list_recent(user=non_member)} == visitor_titles
    assert member_titles == {private.title, public.title, open_thread.title}
    assert all(
        t.get_absolute_url() == f"/forums/{t.forum.slug}/{t.pk}/"
        for t in thread_list_recent(user=member)
    )


def test_recent_threads_narrow_to_a_group_and_respect_limit(
    private_forum, public_forum, member
):
    for _ in range(3):
        ThreadFactory(forum=private_forum)
    ThreadFactory(forum=public_forum)

    threads = thread_list_recent(user=member, limit=2, group=private_forum.group)
    assert len(threads) == 2
    assert {t.forum_id for t in threads} == {private_forum.pk}
    assert thread_list_recent(user=AnonymousUser(), group=private_forum.group) == []


def test_recent_threads_skip_hidden_and_deleted(community_forum, member):
    from django.utils import timezone

    ThreadFactory(forum=community_forum, title="Visible")
    ThreadFactory(forum=community_forum, title="Hidden", is_hidden=True)
    ThreadFactory(forum=community_forum, title="Gone", deleted_at=timezone.now())

    assert [t.title for t in thread_list_recent(user=member)] == ["Visible"]


def test_open_flags_per_group(private_forum, public_forum, community_forum):
    flagged = PostFactory(thread=ThreadFactory(forum=private_forum))
    open_flag = FlagFactory(post=flagged)
    FlagFactory(post=flagged, status="dismissed")
    elsewhere = FlagFactory(post=PostFactory(thread=ThreadFactory(forum=public_forum)))
    community = FlagFactory(
        post=PostFactory(thread=ThreadFactory(forum=community_forum))
    )

    assert list(flag_list_open(group=private_forum.group)) == [open_flag]
    assert list(flag_list_open(group=public_forum.group)) == [elsewhere]
    assert list(flag_list_open(group=None)) == [community]
