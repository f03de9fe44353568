"""Limits hold across processes: two requests of one member racing each other
(each on its own database connection, as two web processes would) cannot both
slip under a posting limit."""

import threading

import pytest
from django.db import connection

from forums import services
from forums.models import Post
from forums.rate_limits import RateLimited
from tests.factories import MembershipFactory, UserFactory, WorkingGroupFactory
from tests.factories.forums import ForumFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_replies_cannot_both_pass_the_limit(settings, home_page):
    settings.FORUMS_RATE_LIMITS = {"POSTS_PER_MINUTE": 1, "NEW_ACCOUNT_DAYS": 0}
    group = WorkingGroupFactory(title="Data standards")
    forum = ForumFactory(name="Community", slug="community", group=None)
    member = MembershipFactory(group=group, user=UserFactory(username="m")).user
    threads = [ThreadFactory(forum=forum, title=f"Census {n}") for n in (1, 2)]
    for thread in threads:
        PostFactory(thread=thread, author=UserFactory(), body="First")
    start = threading.Barrier(2)
    outcomes = []

    def reply(thread):  # two discussions: no shared row lock
        try:
            start.wait()
            services.post_create(author=member, thread=thread, body="Me too")
            outcomes.append("posted")
        except RateLimited:
            outcomes.append("limited")
        finally:
            connection.close()

    racers = [threading.Thread(target=reply, args=(thread,)) for thread in threads]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(60)

    assert sorted(outcomes) == ["limited", "posted"]
    assert Post.objects.filter(author=member).count() == 1
