"""Search as readers meet it on pages: a discussion once with its best reply,
search within a group's space or a forum from their pages, and related
resources and discussions on a resource page (database backend, real content
indexed by the portal's own providers)."""

import re

import pytest
from django.urls import reverse

from forums.models import Forum
from tests.factories import ResourceFactory, WorkingGroupFactory
from tests.factories.forums import ForumFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.search


def page_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def committed(db, django_capture_on_commit_callbacks, settings):
    settings.SEARCH_ENGINE = "database"

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def community(committed, home_page):
    from knowledge.services import knowledge_index_get_or_create

    committed(knowledge_index_get_or_create)
    group = committed(WorkingGroupFactory, title="Census practices", slug="census-wg")
    other = committed(WorkingGroupFactory, title="Financing", slug="financing-wg")
    Forum.objects.filter(group__in=[group, other]).update(public_read=True)
    forum = Forum.objects.get(group=group)
    open_forum = committed(
        ForumFactory, name="Open forum", slug="open", public_read=True
    )
    thread = committed(
        ThreadFactory,
        forum=forum,
        title="Census deadlines",
        body="When do schools send the census?",
    )
    for body in [
        "Our enumerators visit late schools with tablets.",
        "Enumerators call head teachers first, then enumerators visit.",
        "Nothing about it here.",
    ]:
        committed(PostFactory, thread=thread, body=body)
    committed(
        ThreadFactory,
        forum=open_forum,
        title="Census in the open forum",
        body="Open census talk.",
    )
    resource = committed(
        ResourceFactory,
        title="Census handbook for enumerators",
        introduction="How enumerators run the school census.",
        tags=["census"],
        parent=group,
    )
    committed(
        ResourceFactory,
        title="Census costs",
        introduction="What the school census costs.",
        tags=["census"],
        parent=other,
    )
    return {
        "group": group,
        "forum": forum,
        "open_forum": open_forum,
        "thread": thread,
        "resource": resource,
    }


def test_a_discussion_shows_once_with_its_matching_replies(client, community):
    response = client.get(reverse("search"), {"q": "enumerators"})

    text = page_text(response)
    thread = community["thread"]
    assert text.count("Census deadlines") == 1
    assert "2 matching replies" in text
    content = response.content.decode()
    assert f'href="{thread.get_absolute_url()}"' in content
    assert "Read the best-matching reply" in text


def test_search_within_a_group_space_from_its_page(client, community):
    group = community["group"]

    page = client.get(group.url)
    results = client.get(reverse("search"), {"q": "census", "group": group.pk})

    assert f'name="group" value="{group.pk}"' in page.content.decode()
    titles = [hit.title for hit in results.context["results"].hits]
    # The group itself, its resource and its discussion; not the other group's.
    assert sorted(titles) == [
        "Census deadlines",
        "Census handbook for enumerators",
        "Census practices",
    ]


def test_search_within_a_forum_from_its_page(client, community):
    forum = community["open_forum"]

    page = client.get(forum.get_absolute_url())
    results = client.get(reverse("search"), {"q": "census", "forum": forum.slug})

    assert f'name="forum" value="{forum.slug}"' in page.content.decode()
    titles = [hit.title for hit in results.context["results"].hits]
    assert titles == ["Census in the open forum"]
    forums = {b.value: b for b in results.context["results"].facets["forum"].buckets}
    assert forums["open"].label == "Open forum"


def test_a_resource_page_lists_related_resources_and_discussions(client, community):
    response = client.get(community["resource"].url)

    related = [hit.title for hit in response.context["related"]]
    assert "Census handbook for enumerators" not in related
    assert "Census deadlines" in related
    assert "Related resources and discussions" in page_text(response)
