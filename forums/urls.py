from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("forums/", views.forum_index, name="forum_index"),
    path("forums/post/<int:pk>/", views.post_permalink, name="post_permalink"),
    path("forums/<slug:slug>/", views.forum_detail, name="forum_detail"),
    path("forums/<slug:slug>/<int:pk>/", views.thread_detail, name="thread_detail"),
]
