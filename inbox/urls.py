from django.urls import path

from . import views

app_name = "inbox"

urlpatterns = [
    path("moderation/", views.inbox, name="inbox"),
    path(
        "moderation/join-requests/<int:pk>/",
        views.join_request_decide,
        name="join_request_decide",
    ),
    path(
        "moderation/resources/<int:pk>/",
        views.resource_decide,
        name="resource_decide",
    ),
    path("moderation/flags/<int:pk>/", views.flag_decide, name="flag_decide"),
    path(
        "moderation/suspensions/<int:pk>/lift/",
        views.suspension_lift,
        name="suspension_lift",
    ),
]
