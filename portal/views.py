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


# /healthz is kept for load balancers configured before /livez existed: the
# same cheap answer, no database, no counts, no addresses.
healthz = livez


def _queue_ready(limit: int) -> int:
    """Tasks waiting to run, counted up to ``limit + 1`` (enough to compare with
    the limit; a deep queue never costs a full count)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready()[: limit + 1].count()


def _readiness_checks() -> dict:
    """Only what decides ready or not: the database answers and the task queue
    is not deeper than READINESS_MAX_QUEUE. The search engine never makes the
    portal unready (the database answers searches when it is down)."""
    from django.conf import settings

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        return {"database": {"ok": False, "error": error.__class__.__name__}}
    ready = _queue_ready(settings.READINESS_MAX_QUEUE)
    return {
        "database": {"ok": True},
        "queue": {"ok": ready <= settings.READINESS_MAX_QUEUE, "ready": ready},
    }


def _readiness_details(checks: dict) -> dict:
    """For staff and the token's holder only: the engine's state (documents,
    redacted address, fallback) and the outbox."""
    from django.utils import timezone

    from search.health import search_engine_status

    from .models import OutboxMessage

    if not checks["database"]["ok"]:
        return checks
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True)
    oldest = oldest.first()
    now = timezone.now()
    engine = search_engine_status()
    return {
        **checks,
        # Degraded search (the database answering) is still ready.
        "search": {
            "ok": True,
            "serving": engine.get("serving", engine.get("engine")),
            **engine,
        },
        "outbox": {
            "ok": True,
            "pending": pending.count(),
            "oldest_pending_seconds": int((now - oldest).total_seconds())
            if oldest
            else 0,
            "failed": OutboxMessage.objects.filter(
                status=OutboxMessage.Status.FAILED
            ).count(),
        },
    }


@never_cache
@require_GET
def readyz(request):
    """Readiness for load balancers: the database and the queue depth. The
    public sees only ready or not; the details (counts, engine state) need
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
        body["checks"] = _readiness_details(checks)
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
