"""The library's URLs outside the page tree. They are matched before Wagtail's
catch-all, so their slugs are reserved (see models.pages.RESERVED_SLUGS)."""

from django.urls import path, re_path

from . import views
from .feeds import ResourceFeed

app_name = "knowledge"

resource_feed = ResourceFeed()

urlpatterns = [
    path("knowledge/submit/", views.resource_submit_view, name="submit"),
    path("knowledge/moderation/", views.moderation_queue, name="moderation_queue"),
    path(
        "knowledge/moderation/<int:page_id>/",
        views.moderation_decide,
        name="moderation_decide",
    ),
    path("knowledge/my-submissions/", views.my_submissions, name="my_submissions"),
    path(
        "knowledge/my-submissions/<int:page_id>/edit/",
        views.submission_edit,
        name="submission_edit",
    ),
    path("knowledge/tags/", views.tag_index, name="tag_index"),
    path("knowledge/tags/<str:slug>/", views.tag_detail, name="tag_detail"),
    re_path(
        r"^knowledge/cite\.(?P<fmt>bib|ris|json)$",
        views.library_cite,
        name="library_cite",
    ),
    re_path(
        r"^knowledge/(?P<slug>[^/]+)/cite\.(?P<fmt>bib|ris|json)$",
        views.resource_cite,
        name="resource_cite",
    ),
    path(
        "knowledge/<str:slug>/feature/",
        views.resource_feature_toggle,
        name="resource_feature",
    ),
    path("lessons-learned/", views.lessons_learned, name="lessons_learned"),
    path("feeds/resources/", resource_feed, name="feed"),
    path("feeds/resources/group/<slug:group_slug>/", resource_feed, name="group_feed"),
    path("feeds/resources/tag/<str:tag_slug>/", resource_feed, name="tag_feed"),
]
