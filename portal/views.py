import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .forms import ProfileForm
from .selectors import profile_get

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers: 200 when the database answers, 503 otherwise."""
    database = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        logger.warning("healthz: database unreachable: %s", error)
        database = {"status": "error", "error": error.__class__.__name__}

    from search.health import search_engine_status

    engine = search_engine_status()
    healthy = database["status"] == "ok"
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "database": database,
            "search": engine,
        },
        status=200 if healthy else 503,
    )


@login_required
def profile_edit(request):
    profile = profile_get(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile = form.save()
        # ClusterTaggableManager keeps tags in memory until the cluster is saved.
        profile.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("profile_edit")
    return render(
        request, "portal/profile_edit.html", {"form": form, "profile": profile}
    )


def server_error(request, template_name="500.html"):
    """Render the 500 page in the site's design, falling back to plain text."""
    try:
        template = loader.get_template(template_name)
        return HttpResponseServerError(template.render({"request": request}, request))
    except Exception:
        logger.exception("500 page could not be rendered")
        return HttpResponseServerError(_("Server error"), content_type="text/plain")
