"""/api/…: the read API, its OpenAPI 3 description and docs. /api/search/
belongs to the search app and is matched before these."""

from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.routers import DefaultRouter

from . import views
from .tokens import token_create, token_revoke


class PortalRouter(DefaultRouter):
    include_format_suffixes = False


router = PortalRouter()
router.register("resources", views.ResourceViewSet, basename="resource")
router.register("events", views.EventViewSet, basename="event")
router.register("working-groups", views.WorkingGroupViewSet, basename="working-group")
router.register("threads", views.ThreadViewSet, basename="thread")

app_name = "api"

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"
    ),
    path(
        "api/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"
    ),
    path("api/tokens/", token_create, name="token_create"),
    path("api/tokens/<int:pk>/revoke/", token_revoke, name="token_revoke"),
    path("api/", include(router.urls)),
]
