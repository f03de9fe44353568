"""The read API: resources, events, working groups and forum threads, each
through its app's selectors and permission rules, for the session's user or the
holder of a personal token."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from forums.permissions import can_view_thread
from forums.selectors import post_list
from knowledge.forms import LibraryFilterForm
from knowledge.selectors import (
    resource_queryset_visible,
    resource_search,
    resource_total_kept,
)
from knowledge.vocabulary import Format, KnowledgeType, Level, Region
from working_groups.selectors import group_list

from . import serializers
from .selectors import event_queryset_visible, thread_queryset_readable


def _many(name: str, description: str, enum=None) -> OpenApiParameter:
    return OpenApiParameter(
        name, str, many=True, explode=True, description=description, enum=enum
    )


LIBRARY_FILTERS = [
    OpenApiParameter("q", str, description=_("Words to look for")),
    _many("knowledge_type", _("Knowledge type"), KnowledgeType.values),
    _many("format", _("Format"), Format.values),
    _many("level", _("Level"), Level.values),
    _many("group", _("Working group slug")),
    _many("tag", _("Tag slug")),
    _many("language", _("Language (ISO 639-1)")),
    _many("region", _("Region"), Region.values),
    OpenApiParameter("year_from", int, description=_("Published in or after")),
    OpenApiParameter("year_to", int, description=_("Published in or before")),
    OpenApiParameter(
        "sort",
        str,
        enum=["newest", "title", "relevance", "added"],
        description=_("Order"),
    ),
]


def _documented(viewset_schema: dict, serializer, detail_serializer=None) -> dict:
    """List and retrieve with the answers they may give: 404 for an unknown page
    or a record the reader may not see, 401 for a bad token, 429 when throttled."""
    errors = {
        401: serializers.ErrorSerializer,
        404: serializers.ErrorSerializer,
        429: serializers.ErrorSerializer,
    }
    list_kwargs, retrieve_kwargs = viewset_schema
    return {
        "list": extend_schema(
            responses={200: serializer(many=True), **errors}, **list_kwargs
        ),
        "retrieve": extend_schema(
            responses={200: detail_serializer or serializer, **errors},
            **retrieve_kwargs,
        ),
    }


class PortalViewSet(viewsets.ReadOnlyModelViewSet):
    @property
    def params(self):
        """The query string without values PostgreSQL cannot hold (NUL): such a
        filter matches nothing anyone wrote, so it is dropped like a bad value."""
        params = self.request.query_params.copy()
        for name in list(params):
            values = [value for value in params.getlist(name) if "\x00" not in value]
            params.setlist(name, values)
        return params

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["visible_groups"] = dict(
            group_list(user=self.request.user).values_list("pk", "slug")
        )
        return context


@extend_schema_view(
    **_documented(
        (
            {
                "summary": _("Resources of the library"),
                "description": _(
                    "Filters are those of /knowledge/; bad values are ignored."
                ),
                "parameters": LIBRARY_FILTERS,
            },
            {"summary": _("One resource")},
        ),
        serializers.ResourceSerializer,
    )
)
class ResourceViewSet(PortalViewSet):
    serializer_class = serializers.ResourceSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/\\x00]+"

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            query = LibraryFilterForm(self.params).to_query()
            resources = resource_search(user=user, query=query)
            resources.known_count = resource_total_kept(user=user, query=query)
            return resources
        return resource_queryset_visible(user=user).prefetch_related(
            "organisations", "tags", "groups"
        )


@extend_schema_view(
    **_documented(
        (
            {
                "summary": _("Events"),
                "description": _(
                    "Upcoming events, soonest first; past=true for past events."
                ),
                "parameters": [
                    OpenApiParameter(
                        "past", bool, description=_("Past events, latest first")
                    ),
                    OpenApiParameter("event_type", str, description=_("Event type")),
                    OpenApiParameter("group", str, description=_("Working group slug")),
                    OpenApiParameter("tag", str, description=_("Tag slug")),
                ],
            },
            {"summary": _("One event")},
        ),
        serializers.EventSerializer,
    )
)
class EventViewSet(PortalViewSet):
    serializer_class = serializers.EventSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/\\x00]+"

    def get_queryset(self):
        from django.utils import timezone

        events = event_queryset_visible(user=self.request.user).prefetch_related(
            "tagged_items__tag"
        )
        if self.action != "list":
            return events
        params = self.params
        now = timezone.now()
        if params.get("past") in ("1", "true", "True"):
            events = events.filter(end__lt=now).order_by("-start", "pk")
        else:
            events = events.filter(end__gte=now).order_by("start", "pk")
        if params.get("event_type"):
            events = events.filter(event_type=params["event_type"])
        if params.get("group"):
            events = events.filter(group__slug=params["group"])
        if params.get("tag"):
            events = events.filter(tagged_items__tag__slug=params["tag"]).distinct()
        return events


@extend_schema_view(
    **_documented(
        ({"summary": _("Working groups")}, {"summary": _("One working group")}),
        serializers.WorkingGroupSerializer,
    )
)
class WorkingGroupViewSet(PortalViewSet):
    serializer_class = serializers.WorkingGroupSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/\\x00]+"

    def get_queryset(self):
        return group_list(user=self.request.user)


@extend_schema_view(
    **_documented(
        (
            {
                "summary": _("Forum threads"),
                "description": _(
                    "Threads of the forums you may read, latest activity first."
                ),
                "parameters": [
                    OpenApiParameter("forum", str, description=_("Forum slug")),
                    OpenApiParameter("group", str, description=_("Working group slug")),
                ],
            },
            {"summary": _("One thread with its posts")},
        ),
        serializers.ThreadSerializer,
        serializers.ThreadDetailSerializer,
    )
)
class ThreadViewSet(PortalViewSet):
    lookup_value_regex = "[0-9]+"

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ThreadDetailSerializer
        return serializers.ThreadSerializer

    def get_queryset(self):
        threads = thread_queryset_readable(user=self.request.user)
        params = self.params
        if self.action == "list":
            if params.get("forum"):
                threads = threads.filter(forum__slug=params["forum"])
            if params.get("group"):
                threads = threads.filter(forum__group__slug=params["group"])
        return threads

    def get_object(self):
        thread = super().get_object()
        if not can_view_thread(self.request.user, thread):
            raise Http404
        self._posts = [
            post
            for post in post_list(thread=thread, user=self.request.user)
            if post.deleted_at is None and not post.is_hidden
        ]
        return thread

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["posts"] = getattr(self, "_posts", [])
        return context
