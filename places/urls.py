from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("countries/", views.country_index, name="countries"),
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("regions/<slug:slug>/", views.region_detail, name="region"),
]
