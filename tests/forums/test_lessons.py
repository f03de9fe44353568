"""From discussion to knowledge: a thread, or one reply, becomes a lesson learned
that enters the group's moderation and links back to the discussion."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from forums import permissions, services
from forums.models import ModerationAction
from knowledge.models import ResourcePage
from knowledge.services import knowledge_index_get_or_create, resource_moderate
from tests.factories import MembershipFactory, UserFactory
from tests.factories.forums import PostFactory, ThreadFactory

LESSON = {
    "context": "A national census",
    "challenge": "Late forms",
    "what_was_done": "Feedback reports",
    "result": "88% on time",
    "lesson": "Give schools their data back.",
    "recommendation": "Start small.",
    "contact": "@member",
}


@pytest.fixture
def answered(public_forum, other_moderator):
    """A question in a public group forum, answered by one of its members."""
    asker = MembershipFactory(
        group=public_forum.group, user=UserFactory(username="asker")
    ).user
    helper = MembershipFactory(
        group=public_forum.group, user=UserFactory(username="helper")
    ).user
    thread = ThreadFactory(
        forum=public_forum,
        author=asker,
        title="Late census returns",
        body="A third of schools submit late. Ideas?",
    )
    answer = PostFactory(thread=thread, author=helper, body="Send schools their data.")
    services.thread_mark_answer(actor=asker, thread=thread, post=answer)
    thread.refresh_from_db()
    return thread


def promote(thread, actor, **overrides):
    data = {
        "actor": actor,
        "thread": thread,
        "group_id": thread.forum.group_id,
        "title": "Feedback speeds up the census",
        "summary": "Schools that get their data back submit on time.",
        "lesson": LESSON,
        "body_text": "The discussion",
        "tags": ["census"],
        "visibility": "public",
    }
    data.update(overrides)
    return services.thread_promote_to_lesson(**data)


def test_promote_form_is_prefilled_from_the_discussion(client, answered, home_page):
    knowledge_index_get_or_create()
    client.force_login(answered.author)

    response = client.get(
        reverse("forums:thread_promote", args=[answered.forum.slug, answered.pk])
    )

    initial = response.context["form"].initial
    assert response.status_code == 200
    assert initial["title"] == "Late census returns"
    assert initial["challenge"] == "A third of schools submit late. Ideas?"
    assert initial["what_was_done"] == "Send schools their data."  # the answer
    assert "Financing" in initial["context"] and "2 contributions" in initial["context"]
    assert initial["contact"] == "Helper (@helper)"
    assert "Asker (" in initial["body_text"] and "Helper (" in initial["body_text"]
    assert initial["lesson"] == ""  # a person writes the lesson
    for label in ("Context", "Challenge", "What was done", "Result", "The lesson"):
        assert label in response.text


def test_thread_author_turns_the_thread_into_a_draft_lesson_in_moderation(
    client, answered, home_page
):
    knowledge_index_get_or_create()
    client.force_login(answered.author)
    data = {
        "title": "Feedback speeds up the census",
        "summary": "Schools that get their data back submit on time.",
        "group": answered.forum.group_id,
        "visibility": "public",
        "level": "national",
        "language": "en",
        "tags": "census, timeliness",
        **LESSON,
        "body_text": "Asker: ...",
    }

    response = client.post(
        reverse("forums:thread_promote", args=[answered.forum.slug, answered.pk]),
        data,
        follow=True,
    )

    resource = ResourcePage.objects.get()
    answered.refresh_from_db()
    assert answered.resource_id == resource.pk
    assert not resource.live and resource.current_workflow_state is not None
    assert resource.format == "lesson-learned" and resource.knowledge_type == "tacit"
    assert resource.lesson_learned == "Give schools their data back."
    assert resource.lesson_action == "Feedback reports"
    assert resource.level == "national"
    assert resource.get_parent().pk == answered.forum.group_id
    assert resource.discussion_url == answered.get_absolute_url()
    assert resource.discussion_title == "Late census returns"
    assert "waiting for the group" in response.text
    assert "awaiting review" in response.text


def test_a_chosen_reply_becomes_the_lesson_and_links_to_that_reply(
    answered, other_moderator, home_page
):
    knowledge_index_get_or_create()
    reply = answered.posts.get(position=2)

    resource = promote(answered, other_moderator, post=reply)

    reply.refresh_from_db()
    answered.refresh_from_db()
    assert reply.resource == resource and answered.resource is None
    assert resource.discussion_url == reply.get_absolute_url()
    entry = ModerationAction.objects.get(action="promote")
    assert (entry.moderator, entry.post) == (other_moderator, reply)


def test_only_the_author_or_a_moderator_may_promote(answered, home_page):
    bystander = MembershipFactory(group=answered.forum.group).user

    assert not permissions.can_promote_thread(bystander, answered)
    with pytest.raises(PermissionDenied):
        promote(answered, bystander)


def test_private_discussion_title_stays_off_a_public_lesson(
    private_forum, member, home_page
):
    knowledge_index_get_or_create()
    thread = ThreadFactory(
        forum=private_forum, author=member, title="Our minister's plan"
    )

    public = promote(thread, member, title="A public lesson", visibility="public")
    members_only = promote(
        thread, member, title="A members lesson", visibility="members"
    )

    assert public.discussion_title == "" and public.discussion_url
    assert members_only.discussion_title == "Our minister's plan"


def test_community_threads_go_to_one_of_the_promoters_groups(
    community_forum, member, non_member, staff, home_page
):
    knowledge_index_get_or_create()
    thread = ThreadFactory(forum=community_forum, author=member)
    stranger_thread = ThreadFactory(forum=community_forum, author=non_member)

    resource = promote(thread, member, group_id=member.memberships.get().group_id)

    assert resource.get_parent().pk == member.memberships.get().group_id
    assert not permissions.can_promote_thread(non_member, stranger_thread)
    assert permissions.lesson_group_choices(staff, stranger_thread)[0] is None


def test_after_approval_the_lesson_is_listed_and_the_thread_links_to_it(
    client, answered, staff, home_page
):
    knowledge_index_get_or_create()
    resource = promote(answered, answered.author)

    resource_moderate(resource=resource, moderator=staff, approve=True)

    resource.refresh_from_db()
    assert resource.live
    assert "Feedback speeds up the census" in client.get("/lessons-learned/").text
    thread_page = client.get(answered.get_absolute_url()).text
    assert f'href="{resource.url}"' in thread_page
