from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from languages import views as language_views
from portal import views as portal_views

handler500 = "portal.views.server_error"

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", portal_views.healthz, name="healthz"),
    path("i18n/setlang/", language_views.language_set, name="set_language"),
]

# Pages in the reader's language: English unprefixed, /fr/... for the others.
urlpatterns += i18n_patterns(
    path("accounts/profile/", portal_views.profile_edit, name="profile_edit"),
    path("accounts/", include("allauth.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # Each app owns its URLs; they come before Wagtail's catch-all.
    path("", include("search.urls")),
    path("", include("knowledge.urls")),
    path("", include("working_groups.urls")),
    path("", include("forums.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += staticfiles_urlpatterns()
    # Images are public; documents are only ever served through /documents/,
    # which checks who may read them, so media/documents/ is never exposed.
    urlpatterns += [
        re_path(
            r"^media/(?!documents/)(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += i18n_patterns(
    path("", include(wagtail_urls)), prefix_default_language=False
)
