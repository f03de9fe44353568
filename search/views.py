import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from portal.throttle import rate_limited

from . import services
from .backends import SearchEngineUnavailable
from .documents import Kind
from .faceted import (
    FACETS_BY_NAME,
    MAX_RESULT_WINDOW,
    Sort,
    search_query_from_params,
)
from .forms import SavedSearchForm
from .models import SavedSearch
from .permissions import can_manage_saved_search, can_save_search
from .selectors import (
    label_group_facet,
    popular_tags,
    saved_search_list,
    search_run,
    search_suggestions,
)

logger = logging.getLogger(__name__)

SUGGEST_MAX_LENGTH = 100


class _ResultSpan:
    """A sequence of ``total`` results of which one page is loaded: lets
    Django's Paginator (and components/pagination.html) page a search."""

    def __init__(self, total: int, offset: int, hits: list):
        self.total = min(total, MAX_RESULT_WINDOW)  # already capped by reachable
        self.offset = offset
        self.hits = hits

    def __len__(self):
        return self.total

    def __getitem__(self, item):
        if isinstance(item, slice):
            start = (item.start or 0) - self.offset
            stop = (item.stop or self.total) - self.offset
            return self.hits[max(start, 0) : max(stop, 0)]
        return self.hits[item - self.offset]


def _private(response):
    """Results depend on who asks: never cache them in a shared cache."""
    patch_cache_control(response, private=True, max_age=0)
    patch_vary_headers(response, ["Cookie"])
    return response


def _run(request, query):
    outcome = search_run(query=query, user=request.user)
    label_group_facet(outcome.results, user=request.user)
    return outcome


@require_GET
@rate_limited("search")
def search_page(request):
    query, problems = search_query_from_params(request.GET)
    context = {
        "query": query,
        "notices": problems.notices,
        "junk": problems.junk,
        "max_length": settings.SEARCH_QUERY_MAX_LENGTH,
    }
    if query.is_empty:
        context["popular_tags"] = popular_tags(user=request.user)
        context["kind_choices"] = [(kind, Kind.label(kind)) for kind in Kind.labels]
        return _private(render(request, "search/search_page.html", context))
    try:
        outcome = _run(request, query)
    except SearchEngineUnavailable:
        logger.exception("search failed on every backend")
        context["unavailable"] = True
        response = render(request, "search/search_page.html", context, status=503)
        return _private(response)
    results = outcome.results
    # One hit per resource, its other languages beside it.
    from knowledge.translations import hits_with_translations

    results.hits = hits_with_translations(results.hits, translation.get_language())
    paginator = Paginator(
        _ResultSpan(results.reachable, query.offset, results.hits), query.per_page
    )
    context.update(
        results=results,
        outcome=outcome,
        page_obj=paginator.get_page(query.page) if results.total else None,
        sort_choices=Sort.choices,
        can_save=can_save_search(request.user),
        save_form=SavedSearchForm(
            initial={"name": query.text[:120], "query_text": query.text},
            filters=query.filters,
        ),
        filter_params=[
            (name, value) for name, values in query.filters.items() for value in values
        ],
        active_filters=_active_filters(request, results),
        suggestion_url=_with_text(request, results.suggestion),
        original_url=_with_text(request, query.text, original=True),
    )
    return _private(render(request, "search/search_page.html", context))


def _active_filters(request, results) -> list[dict]:
    """One removable chip per selected filter value."""
    chips = []
    for facet in results.facet_list:
        for bucket in facet.buckets:
            if not bucket.selected:
                continue
            params = request.GET.copy()
            params.setlist(
                facet.name, [v for v in params.getlist(facet.name) if v != bucket.value]
            )
            params.pop("page", None)
            chips.append(
                {
                    "label": f"{facet.label}: {bucket.label or bucket.value}",
                    "url": f"{request.path}?{params.urlencode()}",
                }
            )
    return chips


def _with_text(request, text, *, original=False) -> str | None:
    if not text:
        return None
    params = request.GET.copy()
    params["q"] = text
    params.pop("page", None)
    if original:
        params["spelling"] = "exact"
    return f"{request.path}?{params.urlencode()}"


def _error(message: str, status: int = 400):
    return JsonResponse({"error": message}, status=status)


@require_GET
@rate_limited("search")
def search_api(request):
    raw = request.GET.get("q", "")
    if len(raw) > settings.SEARCH_QUERY_MAX_LENGTH:
        return _error(
            ngettext(
                "q is longer than %(limit)s character.",
                "q is longer than %(limit)s characters.",
                settings.SEARCH_QUERY_MAX_LENGTH,
            )
            % {"limit": settings.SEARCH_QUERY_MAX_LENGTH}
        )
    query, problems = search_query_from_params(request.GET)
    if problems.errors:
        return _error(" ".join(str(e) for e in problems.errors))
    if query.is_empty:
        return _error(
            _("Give q (words to search for) or at least one filter: %(names)s.")
            % {"names": ", ".join(FACETS_BY_NAME)}
        )
    try:
        outcome = _run(request, query)
    except SearchEngineUnavailable:
        logger.exception("search failed on every backend")
        return _error(_("Search is unavailable right now."), status=503)
    results = outcome.results

    def page_url(number):
        params = request.GET.copy()
        params["page"] = number
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    data = {
        "query": query.text,
        "filters": {k: list(v) for k, v in query.filters.items()},
        "sort": query.effective_sort,
        "total": results.total,
        "total_approximate": results.total_approximate,
        "facets_approximate": results.facets_approximate,
        "page": query.page,
        "per_page": query.per_page,
        "next": page_url(query.page + 1) if results.has_next else None,
        "previous": page_url(query.page - 1) if query.page > 1 else None,
        "suggestion": results.suggestion,
        "corrected_query": results.corrected_text,
        "engine": results.engine,
        "degraded": outcome.degraded,
        "notice": outcome.notice or None,
        "notices": [str(n) for n in problems.notices],
        "hits": [hit.as_json() for hit in results.hits],
        "facets": {f.name: f.as_json() for f in results.facet_list},
    }
    return _private(JsonResponse(data, json_dumps_params={"ensure_ascii": False}))


@require_GET
@rate_limited("autocomplete")
def suggest_api(request):
    text = request.GET.get("q", "")
    if len(text) > SUGGEST_MAX_LENGTH:
        return _error(
            ngettext(
                "q is longer than %(limit)s character.",
                "q is longer than %(limit)s characters.",
                SUGGEST_MAX_LENGTH,
            )
            % {"limit": SUGGEST_MAX_LENGTH}
        )
    text = " ".join(text.split())
    suggestions = []
    if len(text) >= 2 and any(ch.isalnum() for ch in text):
        try:
            suggestions = search_suggestions(text=text, user=request.user, limit=8)
        except SearchEngineUnavailable:
            logger.warning("suggestions unavailable on every backend")
    return _private(
        JsonResponse(
            {"suggestions": [s.as_json() for s in suggestions]},
            json_dumps_params={"ensure_ascii": False},
        )
    )


# Saved searches ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_create(request):
    params = request.POST if request.method == "POST" else request.GET
    query, _problems = search_query_from_params(params)
    if request.method == "POST":
        form = SavedSearchForm(request.POST, filters=query.filters)
        if form.is_valid():
            query.text = form.cleaned_data["query_text"]
            try:
                saved = services.saved_search_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    query=query,
                    frequency=form.cleaned_data["frequency"],
                )
            except ValidationError as error:
                form.add_error(None, error)
                return render(
                    request,
                    "search/saved_search_form.html",
                    {"form": form, "query": query, "creating": True},
                    status=429,
                )
            messages.success(
                request,
                _("Saved “%(name)s”. Manage your saved searches on your profile.")
                % {"name": saved.name},
            )
            return redirect(saved.get_search_url())
    else:
        form = SavedSearchForm(
            initial={"name": query.text[:120], "query_text": query.text},
            filters=query.filters,
        )
    return render(
        request,
        "search/saved_search_form.html",
        {
            "form": form,
            "query": query,
            "filter_params": [
                (name, value)
                for name, values in query.filters.items()
                for value in values
            ],
            "filter_labels": _filter_labels(query.filters),
            "creating": True,
        },
    )


def _filter_labels(filters: dict) -> list[str]:
    labels = []
    for name, values in (filters or {}).items():
        facet = FACETS_BY_NAME.get(name)
        if facet is None:
            continue
        shown = ", ".join(facet.value_label(v) for v in values)
        labels.append(f"{facet.label}: {shown}")
    return labels


def _owned(request, pk) -> SavedSearch:
    saved = get_object_or_404(SavedSearch.objects.select_related("user"), pk=pk)
    if not can_manage_saved_search(request.user, saved):
        raise Http404
    return saved


@login_required
def saved_search_list_view(request):
    return render(
        request,
        "search/saved_search_list.html",
        {"saved_searches": saved_search_list(user=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_edit(request, pk):
    saved = _owned(request, pk)
    form = SavedSearchForm(request.POST or None, instance=saved)
    if request.method == "POST" and form.is_valid():
        services.saved_search_update(
            saved_search=saved,
            name=form.cleaned_data["name"],
            query_text=form.cleaned_data["query_text"],
            frequency=form.cleaned_data["frequency"],
        )
        messages.success(request, _("Your saved search has been updated."))
        return redirect("saved_search_list")
    return render(
        request,
        "search/saved_search_form.html",
        {
            "form": form,
            "saved_search": saved,
            "filter_labels": _filter_labels(saved.filters),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_delete(request, pk):
    saved = _owned(request, pk)
    if request.method == "POST":
        services.saved_search_delete(saved_search=saved)
        messages.success(request, _("The saved search has been deleted."))
        return redirect("saved_search_list")
    return render(
        request, "search/saved_search_confirm_delete.html", {"saved_search": saved}
    )


@csrf_exempt  # RFC 8058 one-click unsubscribe: the signed token authorises it
@require_http_methods(["GET", "POST"])
def saved_search_unsubscribe(request, token):
    saved = services.saved_search_from_token(token)
    if saved is None:
        return render(
            request,
            "search/saved_search_unsubscribe.html",
            {"invalid": True},
            status=404,
        )
    done = False
    if request.method == "POST":
        services.saved_search_unsubscribe(saved_search=saved)
        done = True
    return render(
        request,
        "search/saved_search_unsubscribe.html",
        {
            "saved_search": saved,
            "done": done or saved.frequency == SavedSearch.Frequency.NEVER,
            "token": token,
            "manage_url": reverse("saved_search_list"),
        },
    )
