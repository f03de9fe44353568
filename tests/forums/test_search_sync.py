"""Changes members make themselves (no moderation log entry) reach the search
index too: a renamed discussion, a deleted one, a forum opened to readers."""

import pytest

from forums import services
from search.backends import database_backend
from search.faceted import SearchQuery
from search.permissions import PUBLIC_SCOPE
from tests.factories.forums import ThreadFactory

pytestmark = pytest.mark.search


def public_titles(text):
    results = database_backend().search(SearchQuery(text=text), PUBLIC_SCOPE)
    return [hit.title for hit in results.hits if hit.kind == "thread"]


def test_author_rename_and_delete_reach_the_index(
    community_forum, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = ThreadFactory(
            forum=community_forum, author=member, title="Tablets", body="Census"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(
            editor=member,
            post=thread.posts.get(),
            body="Census",
            title="Census on tablets",
        )
    assert public_titles("census") == ["Census on tablets"]

    with django_capture_on_commit_callbacks(execute=True):
        services.thread_delete(actor=member, thread=thread)

    assert public_titles("census") == []


def test_opening_a_group_forum_makes_its_threads_public_in_search(
    private_forum, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ThreadFactory(forum=private_forum, title="Open data portals", body="Which?")
    assert public_titles("portals") == []

    with django_capture_on_commit_callbacks(execute=True):
        services.forum_settings_update(
            moderator=moderator, forum=private_forum, public_read=True, description=""
        )

    assert public_titles("portals") == ["Open data portals"]


def test_deleting_a_thread_takes_its_replies_out_of_search(
    community_forum, member, second_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = ThreadFactory(
            forum=community_forum, author=member, title="Enrolment", body="Census"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(
            author=second_member,
            thread=thread,
            body="We used tablets for the census",
            rate_limited=False,
            notify=False,
        )
    hits = database_backend().search(SearchQuery(text="tablets"), PUBLIC_SCOPE).hits
    assert [hit.url for hit in hits] == [thread.posts.last().get_absolute_url()]

    with django_capture_on_commit_callbacks(execute=True):
        services.thread_delete(actor=member, thread=thread)

    assert (
        database_backend().search(SearchQuery(text="tablets"), PUBLIC_SCOPE).hits == []
    )
