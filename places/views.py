from django.http import Http404
from django.shortcuts import redirect, render

from knowledge.vocabulary import Region

from . import selectors


def country_index(request):
    context = selectors.country_index(
        user=request.user, sort=request.GET.get("sort", "total")
    )
    return render(request, "places/country_index.html", context)


def country_detail(request, code):
    if not selectors.country_code_valid(code):
        raise Http404
    if code != code.lower():
        return redirect("places:country", code=code.lower(), permanent=True)
    return render(
        request,
        "places/country_detail.html",
        selectors.country_page(user=request.user, code=code),
    )


def region_detail(request, slug):
    if slug not in Region.values:
        raise Http404
    return render(
        request,
        "places/region_detail.html",
        selectors.region_page(user=request.user, slug=slug),
    )
