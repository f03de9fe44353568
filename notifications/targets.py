"""What a notification is about: how to load its subject in bulk, its title
and link, and the working group whose members alone may read it.

Subjects are named by a label (``"forums.post"``) and an id, so tasks carry
ids only. ``personal`` subjects belong to the recipient (their own request to
join, their own submission, their own saved search): the recipient may always
read the notification about them, whatever the subject's public rule says
(a declined request, a draft sent back).
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Target:
    model: str
    select_related: tuple = ()
    prefetch_related: tuple = ()
    personal: bool = False
    describe: Any = field(default=None)
    # ``visible(user)``: the subjects ``user`` may see, as a queryset (the SQL
    # form of the subject's rule in portal.visibility, from its app's selectors).
    visible: Any = field(default=None)


def _forum_group(forum):
    from forums.permissions import forum_is_public

    return None if forum_is_public(forum) else forum.group_id


def _post(post):
    thread = post.thread
    return thread.title, post.get_absolute_url(), _forum_group(thread.forum)


def _thread(thread):
    return thread.title, thread.get_absolute_url(), _forum_group(thread.forum)


def _page_url(page) -> str:
    parts = page.get_url_parts()
    return parts[2] if parts and parts[2] else ""


def _resource(resource):
    from working_groups.models import Visibility

    owner = resource.owning_group
    private = resource.visibility != Visibility.PUBLIC or (
        owner is not None and owner.visibility != Visibility.PUBLIC
    )
    group = resource.owning_group_id if private else None
    return resource.title, _page_url(resource), group


def _submission(resource):
    from django.urls import reverse

    return resource.title, reverse("knowledge:my_submissions"), None


def _event(event):
    from working_groups.models import Visibility

    group = event.group
    private = event.visibility != Visibility.PUBLIC or (
        group is not None and group.visibility != Visibility.PUBLIC
    )
    return event.title, _page_url(event), event.group_id if private else None


def _group(group):
    return group.title, _page_url(group), None


def _mentoring(request):
    return request.topic, request.get_absolute_url(), None


def _saved_search(saved):
    return saved.name, saved.get_search_url(), None


def _visible_posts(user):
    from forums.models import Post
    from forums.selectors import visible_posts_q

    return Post.objects.filter(visible_posts_q(user=user))


def _visible_threads(user):
    from forums.models import Thread
    from forums.selectors import visible_threads_q

    return Thread.objects.filter(visible_threads_q(user=user))


def _visible_resources(user):
    from knowledge.selectors import resource_queryset_visible

    return resource_queryset_visible(user=user)


def _visible_events(user):
    from working_groups.models import EventPage
    from working_groups.selectors import event_visibility_q

    return EventPage.objects.live().filter(event_visibility_q(user=user))


def _visible_mentoring(user):
    """Mirrors people.permissions.can_view_mentoring: its two participants."""
    from django.db.models import Q

    from people.models import MentoringRequest

    return MentoringRequest.objects.filter(
        Q(requester_id=user.pk) | Q(expert_id=user.pk)
    )


TARGETS = {
    "forums.post": Target(
        "forums.Post",
        select_related=("thread__forum__group",),
        describe=_post,
        visible=_visible_posts,
    ),
    "forums.thread": Target(
        "forums.Thread",
        select_related=("forum__group",),
        describe=_thread,
        visible=_visible_threads,
    ),
    "knowledge.resource": Target(
        "knowledge.ResourcePage",
        select_related=("owning_group",),
        prefetch_related=("groups",),
        describe=_resource,
        visible=_visible_resources,
    ),
    "knowledge.submission": Target(
        "knowledge.ResourcePage", personal=True, describe=_submission
    ),
    "working_groups.event": Target(
        "working_groups.EventPage",
        select_related=("group",),
        describe=_event,
        visible=_visible_events,
    ),
    "working_groups.group": Target(
        "working_groups.WorkingGroupPage", personal=True, describe=_group
    ),
    "people.mentoring": Target(
        "people.MentoringRequest", describe=_mentoring, visible=_visible_mentoring
    ),
    "search.saved_search": Target(
        "search.SavedSearch", personal=True, describe=_saved_search
    ),
}


def target_model(label: str):
    from django.apps import apps

    return apps.get_model(TARGETS[label].model)


def targets_load(label: str, ids) -> dict:
    """The subjects ``ids`` of ``label`` by id, in one query (plus one per
    prefetched relation)."""
    target = TARGETS[label]
    queryset = target_model(label)._default_manager.filter(pk__in=list(ids))
    if target.select_related:
        queryset = queryset.select_related(*target.select_related)
    if target.prefetch_related:
        queryset = queryset.prefetch_related(*target.prefetch_related)
    return {obj.pk: obj for obj in queryset}
