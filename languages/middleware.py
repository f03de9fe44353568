from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .selectors import preferred_language, supported_language


def _wanted_language(request) -> str:
    """A member's choice, else the reader's last choice (cookie), else the
    browser's language (first visit)."""
    return (
        preferred_language(getattr(request, "user", None))
        or supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or translation.get_language_from_request(request)
    )


def _is_page_request(request) -> bool:
    return request.method in ("GET", "HEAD") and "text/html" in request.headers.get(
        "Accept", ""
    )


class PreferredLanguageMiddleware:
    """English pages keep their URLs (no prefix); other languages live under
    /fr/, /es/, /ar/, /ru/, /zh-hans/. A page asked for without a prefix is
    redirected to the reader's language, and served in it for API, feed and
    form requests, so the language sticks without the reader choosing twice.
    Runs after the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path_language = translation.get_language_from_path(request.path_info)
        wanted = None
        if path_language is None:
            wanted = _wanted_language(request)
            if wanted == settings.LANGUAGE_CODE:
                wanted = None
            else:
                target = translate_url(request.get_full_path(), wanted)
                if target == request.get_full_path():
                    wanted = None  # not a translatable URL (admin, health...)
                elif _is_page_request(request):
                    redirect = HttpResponseRedirect(target)
                    patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
                    return redirect
                else:
                    request.reader_language = wanted
        response = self.get_response(request)
        if wanted:
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        elif (
            path_language
            and _is_page_request(request)
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != path_language
        ):
            # A shared /fr/ link: keep reading in French after it.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                path_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Switch language only once the URL is resolved: resolving an
        unprefixed URL needs the default language active."""
        language = getattr(request, "reader_language", None)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
