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


# --- Liveness and readiness (issue 11) -----------------------------------------


@never_cache
@require_GET
def livez(request):
    """Liveness: the process answers. No database, no engine (a database
    outage must not make the orchestrator restart every web process)."""
    return JsonResponse({"status": "ok"})


def _readiness_checks() -> dict:
    from django.conf import settings
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from search.health import search_engine_status

    from .models import OutboxMessage

    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        return {"database": {"ok": False, "error": error.__class__.__name__}}
    engine = search_engine_status()
    # The database answers searches when the engine is down: degraded, ready.
    checks["search"] = {
        "ok": True,
        "engine": engine.get("engine"),
        "serving": engine.get("serving", engine.get("engine")),
        "status": engine.get("status"),
    }
    now = timezone.now()
    ready = DBTaskResult.objects.ready().count()
    checks["queue"] = {"ok": ready <= settings.READINESS_MAX_QUEUE, "ready": ready}
    oldest = (
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    checks["outbox"] = {
        "ok": True,
        "pending": OutboxMessage.objects.filter(
            status=OutboxMessage.Status.PENDING
        ).count(),
        "oldest_pending_seconds": int((now - oldest).total_seconds()) if oldest else 0,
        "failed": OutboxMessage.objects.filter(
            status=OutboxMessage.Status.FAILED
        ).count(),
    }
    return checks


@never_cache
@require_GET
def readyz(request):
    """Readiness for load balancers: database, search engine, queue depth.
    The public sees only ready or not; the details (counts, engine state) need
    the X-Readiness-Token header (READINESS_TOKEN) or a staff session."""
    from django.conf import settings
    from django.utils.crypto import constant_time_compare

    checks = _readiness_checks()
    ready = all(check["ok"] for check in checks.values())
    body = {"status": "ready" if ready else "not ready"}
    token = request.headers.get("X-Readiness-Token", "")
    if (
        settings.READINESS_TOKEN
        and token
        and constant_time_compare(token, settings.READINESS_TOKEN)
    ) or (request.user.is_authenticated and request.user.is_staff):
        body["checks"] = checks
    return JsonResponse(body, status=200 if ready else 503)


# --- Public images with DEBUG off ----------------------------------------------


def public_image(request, folder, name):
    """Images (and their renditions) are public; without a front web server
    (DEBUG off, gunicorn alone) Django serves them. Only these two folders,
    one file name deep: documents are never reachable here."""
    from pathlib import Path

    from django.conf import settings
    from django.http import Http404
    from django.views.static import serve

    if name in {".", ".."} or "\\" in name:
        raise Http404
    response = serve(request, name, document_root=Path(settings.MEDIA_ROOT) / folder)
    response["Cache-Control"] = "public, max-age=604800"
    return response


# --- Profile picture (issue 15) ------------------------------------------------


@login_required
def profile_avatar(request):
    """Upload and crop a profile picture, or remove it."""
    from .avatars import avatar_remove, avatar_update
    from .forms import AvatarForm

    profile = profile_get(user=request.user)
    if request.method == "POST" and request.POST.get("action") == "remove":
        avatar_remove(user=request.user)
        messages.success(request, _("Your profile picture was removed."))
        return redirect("profile_edit")
    form = AvatarForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        avatar_update(
            user=request.user, upload=form.cleaned_data["picture"], crop=form.crop()
        )
        messages.success(request, _("Your profile picture has been saved."))
        return redirect("profile_edit")
    return render(
        request, "portal/profile_avatar.html", {"form": form, "profile": profile}
    )
