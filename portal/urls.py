from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from languages import views as language_views
from portal import views as portal_views

handler500 = "portal.views.server_error"
handler429 = "portal.throttle.handler429"  # allauth's limits answer through it

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", portal_views.healthz, name="healthz"),
    path("livez", portal_views.livez, name="livez"),
    path("readyz", portal_views.readyz, name="readyz"),
    re_path(
        r"^media/(?P<folder>images|original_images)/(?P<name>[^/]+)$",
        portal_views.public_image,
        name="public_image",
    ),
    path("i18n/setlang/", language_views.language_set, name="set_language"),
    # Machine endpoints keep one address: OAI-PMH, sitemaps, robots.txt.
    path("", include("oai.urls")),
    path("", include("crawlers.urls")),
]

# Pages in the reader's language: English unprefixed, /fr/... for the others.
urlpatterns += i18n_patterns(
    path("accounts/profile/", portal_views.profile_edit, name="profile_edit"),
    path(
        "accounts/profile/picture/", portal_views.profile_avatar, name="profile_avatar"
    ),
    path("accounts/", include("allauth.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # Each app owns its URLs; they come before Wagtail's catch-all.
    path("", include("search.urls")),
    path("", include("knowledge.urls")),
    path("", include("working_groups.urls")),
    path("", include("forums.urls")),
    # Open to the rest of the field (issue 16): the read API, people, places.
    path("", include("api.urls")),
    path("", include("people.urls")),
    path("", include("places.urls")),
    # Notifications, the moderators' inbox (issue 15).
    path("", include("notifications.urls")),
    path("", include("inbox.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns
    from django.urls import re_path

    from portal.media import media_serve

    urlpatterns += staticfiles_urlpatterns()
    # Images are public; documents are only ever served through /documents/,
    # which checks who may read them (portal.media refuses media/documents/
    # however the path is spelled).
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", media_serve)]

urlpatterns += i18n_patterns(
    path("", include(wagtail_urls)), prefix_default_language=False
)
