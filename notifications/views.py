"""A member's notifications and how they arrive. Members only; each reads
only their own; every change is a POST with its CSRF token."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, preferences, selectors, services
from .forms import DeliveryPreferencesForm
from .models import Notification


def _own(request, pk) -> Notification:
    notification = Notification.objects.filter(pk=pk).first()
    if notification is None or not permissions.can_read_notification(
        request.user, notification
    ):
        raise Http404
    return notification


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    page_obj, groups = selectors.notification_page(
        user=request.user,
        page_number=request.GET.get("page") or 1,
        unread_only=unread_only,
    )
    return render(
        request,
        "notifications/notification_list.html",
        {"page_obj": page_obj, "groups": groups, "unread_only": unread_only},
    )


@login_required
def notification_open(request, pk):
    """Follow a notification to its subject, marking it read on the way (only
    if the member may still see the subject)."""
    notification = selectors.notifications_for(user=request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    services.notification_mark_read(user=request.user, notification=notification)
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications:list")
    return redirect(notification.url or "notifications:list")


@require_POST
@login_required
def notification_read(request, pk):
    notification = _own(request, pk)
    services.notification_mark_read(user=request.user, notification=notification)
    return _back(request)


@require_POST
@login_required
def notification_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return _back(request)


@login_required
def notification_preferences(request):
    initial = preferences.deliveries_for(request.user)
    form = DeliveryPreferencesForm(
        request.POST or None, initial_choices=initial, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_update(
            user=request.user, choices=form.cleaned_data
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
