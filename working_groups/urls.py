from django.urls import path

from . import event_views, views

app_name = "working_groups"

urlpatterns = [
    path("events/calendar.ics", views.events_calendar, name="events_calendar"),
    path("events/<slug:slug>/event.ics", views.event_ics, name="event_ics"),
    path("events/<slug:slug>/rsvp/", views.event_rsvp, name="event_rsvp"),
    path("events/<slug:slug>/feature/", views.event_feature, name="event_feature"),
    path("feeds/events/", views.EventFeed(), name="event_feed"),
    path(
        "working-groups/invitations/<str:token>/",
        views.invitation_detail,
        name="invitation",
    ),
    path(
        "working-groups/<slug:slug>/calendar.ics",
        views.group_calendar,
        name="group_calendar",
    ),
    path("working-groups/<slug:slug>/join/", views.group_join, name="join"),
    path("working-groups/<slug:slug>/leave/", views.group_leave, name="leave"),
    path("working-groups/<slug:slug>/members/", views.group_members, name="members"),
    path(
        "working-groups/<slug:slug>/members/<int:pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "working-groups/<slug:slug>/moderation/",
        views.group_moderation,
        name="moderation",
    ),
    path(
        "working-groups/<slug:slug>/moderation/log/",
        views.group_audit_log,
        name="audit_log",
    ),
    path("working-groups/<slug:slug>/invite/", views.group_invite, name="invite"),
    path(
        "working-groups/<slug:slug>/requests/<int:pk>/approve/",
        views.membership_decide,
        {"decision": "approve"},
        name="approve",
    ),
    path(
        "working-groups/<slug:slug>/requests/<int:pk>/decline/",
        views.membership_decide,
        {"decision": "decline"},
        name="decline",
    ),
    path("people/<int:pk>/", views.profile_detail, name="profile"),
    # A group's moderators run its events from the group space.
    path(
        "working-groups/<slug:slug>/events/",
        event_views.group_events,
        name="group_events",
    ),
    path(
        "working-groups/<slug:slug>/events/new/",
        event_views.event_create,
        name="event_create",
    ),
    path(
        "working-groups/<slug:slug>/events/<int:pk>/edit/",
        event_views.event_edit,
        name="event_edit",
    ),
    path(
        "working-groups/<slug:slug>/events/<int:pk>/duplicate/",
        event_views.event_duplicate_view,
        name="event_duplicate",
    ),
    path(
        "working-groups/<slug:slug>/events/<int:pk>/cancel/",
        event_views.event_cancel_view,
        name="event_cancel",
    ),
    path(
        "working-groups/<slug:slug>/events/<int:pk>/materials/",
        event_views.event_materials,
        name="event_materials",
    ),
]
