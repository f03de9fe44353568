from django.urls import path

from . import views

app_name = "forums"

# Fixed paths come before "forums/<slug>/"; Forum.clean() reserves their names.
urlpatterns = [
    path("forums/", views.forum_index, name="forum_index"),
    path("forums/moderation/", views.moderation_overview, name="moderation_overview"),
    path("forums/settings/", views.preferences, name="preferences"),
    path("forums/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("forums/post/<int:pk>/", views.post_permalink, name="post_permalink"),
    path("forums/post/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("forums/post/<int:pk>/history/", views.post_history, name="post_history"),
    path("forums/post/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("forums/post/<int:pk>/hide/", views.post_hide, name="post_hide"),
    path("forums/post/<int:pk>/flag/", views.post_flag, name="post_flag"),
    path("forums/flag/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
    # Composer (issue 15): reactions, attachments, preview, @ suggestions.
    path("forums/post/<int:pk>/react/", views.post_react, name="post_react"),
    path(
        "forums/attachment/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "forums/suspension/<int:pk>/lift/",
        views.suspension_lift,
        name="suspension_lift",
    ),
    path("forums/<slug:slug>/", views.forum_detail, name="forum_detail"),
    path("forums/<slug:slug>/new/", views.thread_create, name="thread_create"),
    path("forums/<slug:slug>/feed/", views.forum_feed, name="forum_feed"),
    path(
        "forums/<slug:slug>/preview/", views.composer_preview, name="composer_preview"
    ),
    path("forums/<slug:slug>/mentions/", views.forum_mentions, name="forum_mentions"),
    path(
        "forums/<slug:slug>/subscribe/", views.forum_subscribe, name="forum_subscribe"
    ),
    path("forums/<slug:slug>/moderation/", views.moderation_queue, name="moderation"),
    path(
        "forums/<slug:slug>/moderation/settings/",
        views.forum_settings,
        name="forum_settings",
    ),
    path(
        "forums/<slug:slug>/moderation/log/",
        views.moderation_log,
        name="moderation_log",
    ),
    path(
        "forums/<slug:slug>/moderation/suspend/",
        views.user_suspend,
        name="user_suspend",
    ),
    path("forums/<slug:slug>/<int:pk>/", views.thread_detail, name="thread_detail"),
    path(
        "forums/<slug:slug>/<int:pk>/unread/",
        views.thread_unread,
        name="thread_unread",
    ),
    path("forums/<slug:slug>/<int:pk>/reply/", views.post_reply, name="post_reply"),
    path(
        "forums/<slug:slug>/<int:pk>/mentions/",
        views.thread_mentions,
        name="thread_mentions",
    ),
    path(
        "forums/<slug:slug>/<int:pk>/answer/",
        views.thread_mark_answer,
        name="thread_mark_answer",
    ),
    path(
        "forums/<slug:slug>/<int:pk>/moderate/",
        views.thread_moderate,
        name="thread_moderate",
    ),
    path(
        "forums/<slug:slug>/<int:pk>/lesson/",
        views.thread_promote,
        name="thread_promote",
    ),
    path("forums/<slug:slug>/<int:pk>/move/", views.thread_move, name="thread_move"),
    path(
        "forums/<slug:slug>/<int:pk>/delete/", views.thread_delete, name="thread_delete"
    ),
    path(
        "forums/<slug:slug>/<int:pk>/subscribe/",
        views.thread_subscribe,
        name="thread_subscribe",
    ),
]
