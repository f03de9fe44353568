from django.urls import path

from . import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("api/search/", views.search_api, name="search_api"),
    path("api/search/suggest/", views.suggest_api, name="search_suggest"),
    path("search/saved/", views.saved_search_list_view, name="saved_search_list"),
    path("search/saved/new/", views.saved_search_create, name="saved_search_create"),
    path(
        "search/saved/<int:pk>/edit/", views.saved_search_edit, name="saved_search_edit"
    ),
    path(
        "search/saved/<int:pk>/delete/",
        views.saved_search_delete,
        name="saved_search_delete",
    ),
    path(
        "search/alerts/unsubscribe/<str:token>/",
        views.saved_search_unsubscribe,
        name="search_unsubscribe",
    ),
]
