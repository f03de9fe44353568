from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("people/me/", views.directory_entry_edit, name="directory_entry"),
    path("people/experts/<int:pk>/", views.expert_detail, name="expert"),
    path("people/mentoring/", views.mentoring_inbox, name="mentoring_inbox"),
    path("people/mentoring/counts/", views.mentoring_counts, name="mentoring_counts"),
    path("people/mentoring/<int:pk>/", views.mentoring_detail, name="mentoring_detail"),
    path(
        "people/mentoring/<int:pk>/answer/",
        views.mentoring_answer,
        name="mentoring_answer",
    ),
    path(
        "people/mentoring/<int:pk>/messages/",
        views.mentoring_message,
        name="mentoring_message",
    ),
    path(
        "people/mentoring/<int:pk>/close/",
        views.mentoring_close,
        name="mentoring_close",
    ),
    path(
        "people/mentoring/<int:pk>/withdraw/",
        views.mentoring_withdraw,
        name="mentoring_withdraw",
    ),
    path(
        "people/mentoring/<int:pk>/lesson/", views.lesson_propose, name="lesson_propose"
    ),
    path(
        "people/mentoring/<int:pk>/lesson/answer/",
        views.lesson_decide,
        name="lesson_decide",
    ),
]
