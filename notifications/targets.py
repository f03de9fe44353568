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
    # ``audience(users, subject)``: the ids of ``users`` who may hear about it,
    # when that is not who may see the subject (moderators' work).
    audience: Any = field(default=None)


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


# -- What moderators hear about (issue 15): only while they moderate the group.


def _moderated_ids(user):
    """``None`` for superusers (they moderate every group), else the ids."""
    from working_groups.selectors import moderated_group_ids_for_user

    if not getattr(user, "is_active", False):
        return set()
    if user.is_superuser or (
        user.is_staff and user.has_perm("working_groups.change_membership")
    ):
        return None
    return moderated_group_ids_for_user(user=user)


def _in_moderated(queryset, user, field: str):
    ids = _moderated_ids(user)
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def _group_moderators(users, subject, group) -> set[int]:
    from working_groups.permissions import can_moderate_group
    from working_groups.selectors import group_ids_prime

    group_ids_prime(users)
    return {user.pk for user in users if can_moderate_group(user, group)}


def _join_request_audience(users, membership):
    return _group_moderators(users, membership, membership.group)


def _moderated_group_audience(users, group):
    return _group_moderators(users, group, group)


def _review_audience(users, resource):
    if resource.owning_group is None:
        return set()
    return _group_moderators(users, resource, resource.owning_group)


def _flag_audience(users, flag):
    from forums.permissions import can_moderate_forum
    from working_groups.selectors import group_ids_prime

    group_ids_prime(users)
    forum = flag.post.thread.forum
    return {user.pk for user in users if can_moderate_forum(user, forum)}


def _moderation_url(group) -> str:
    from django.urls import reverse

    return reverse("working_groups:moderation", args=[group.slug])


def _join_request(membership):
    group = membership.group
    return group.title, _moderation_url(group), group.pk


def _visible_join_requests(user):
    from working_groups.models import Membership

    return _in_moderated(Membership.objects.all(), user, "group_id")


def _moderated_group(group):
    from django.urls import reverse

    return group.title, reverse("working_groups:members", args=[group.slug]), group.pk


def _visible_moderated_groups(user):
    from working_groups.models import WorkingGroupPage

    return _in_moderated(WorkingGroupPage.objects.all(), user, "pk")


def _flag(flag):
    from django.urls import reverse

    forum = flag.post.thread.forum
    url = reverse("forums:moderation", args=[forum.slug])
    return flag.post.thread.title, url, forum.group_id


def _visible_flags(user):
    from forums.models import Flag
    from forums.selectors import moderated_forums_q

    if not getattr(user, "is_authenticated", False):
        return Flag.objects.none()
    return Flag.objects.filter(
        moderated_forums_q(user=user, prefix="post__thread__forum__")
    )


def _review(resource):
    from django.urls import reverse

    title = resource.get_latest_revision_as_object().title or resource.title
    return title, reverse("inbox:inbox"), resource.owning_group_id


def _visible_reviews(user):
    from knowledge.models import ResourcePage

    return _in_moderated(
        ResourcePage.objects.filter(owning_group__isnull=False), user, "owning_group_id"
    )


def _invitation(invitation):
    from django.urls import reverse

    url = reverse("working_groups:invitation", args=[invitation.token])
    return invitation.group.title, url, None


def _former_group(group):
    """A group one was removed from: named only if anyone may see it."""
    from working_groups.models import Visibility

    if group.live and group.visibility == Visibility.PUBLIC:
        return group.title, _page_url(group), None
    return "", "/working-groups/", None


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
    "working_groups.join_request": Target(
        "working_groups.Membership",
        select_related=("group",),
        describe=_join_request,
        visible=_visible_join_requests,
        audience=_join_request_audience,
    ),
    "working_groups.moderated_group": Target(
        "working_groups.WorkingGroupPage",
        describe=_moderated_group,
        visible=_visible_moderated_groups,
        audience=_moderated_group_audience,
    ),
    "forums.flag": Target(
        "forums.Flag",
        select_related=("post__thread__forum__group",),
        describe=_flag,
        visible=_visible_flags,
        audience=_flag_audience,
    ),
    "knowledge.review": Target(
        "knowledge.ResourcePage",
        select_related=("owning_group",),
        describe=_review,
        visible=_visible_reviews,
        audience=_review_audience,
    ),
    "working_groups.invitation": Target(
        "working_groups.MembershipInvitation",
        select_related=("group",),
        personal=True,
        describe=_invitation,
    ),
    "working_groups.former_group": Target(
        "working_groups.WorkingGroupPage", personal=True, describe=_former_group
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
