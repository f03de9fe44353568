"""Following threads and forums, delivery preferences and one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import selectors, services, tokens
from ..forms import (
    PreferenceForm,
)
from ..models import (
    NotificationPreference,
    Subscription,
)
from .common import _forum_or_404, _thread_or_404


@require_POST
@login_required
def thread_subscribe(request, slug, pk):
    thread = _thread_or_404(request, slug, pk)
    if request.POST.get("action") == "unfollow":
        subscription = selectors.subscription_for(user=request.user, thread=thread)
        if subscription:
            services.subscription_delete(user=request.user, subscription=subscription)
        messages.success(request, _("You no longer follow this discussion."))
    else:
        services.subscription_create(user=request.user, thread=thread)
        messages.success(request, _("You follow this discussion."))
    return redirect(thread.get_absolute_url())


@require_POST
@login_required
def forum_subscribe(request, slug):
    forum = _forum_or_404(request, slug)
    if request.POST.get("action") == "unfollow":
        subscription = selectors.subscription_for(user=request.user, forum=forum)
        if subscription:
            services.subscription_delete(user=request.user, subscription=subscription)
        messages.success(request, _("You no longer follow this forum."))
    else:
        services.subscription_create(user=request.user, forum=forum)
        messages.success(request, _("You follow this forum."))
    return redirect(forum.get_absolute_url())


@login_required
def preferences(request):
    """What one follows, and how new posts in it are emailed: the reply
    choice of the notification settings, seen from the forums (both pages
    read and write the same preferences)."""
    from notifications.preferences import deliveries_for, forum_email_delivery

    preference = selectors.preference_for(user=request.user)
    preference.delivery = forum_email_delivery(request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST":
        if request.POST.get("unfollow"):
            subscription = get_object_or_404(
                Subscription, pk=request.POST["unfollow"], user=request.user
            )
            services.subscription_delete(user=request.user, subscription=subscription)
            messages.success(request, _("Unfollowed."))
            return redirect("forums:preferences")
        if form.is_valid():
            services.preference_update(
                user=request.user, delivery=form.cleaned_data["delivery"]
            )
            messages.success(request, _("Your email settings are saved."))
            return redirect("forums:preferences")
    from notifications.models import Delivery, Kind

    return render(
        request,
        "forums/preferences.html",
        {
            "form": form,
            "subscriptions": selectors.subscription_list(user=request.user),
            "mention_delivery": Delivery(
                deliveries_for(request.user)[Kind.MENTION]
            ).label,
        },
    )


@csrf_exempt
def unsubscribe(request, token):
    """One-click unsubscribe from an email: no sign-in, only the token's owner.

    GET asks for confirmation (mail scanners follow links); POST unsubscribes,
    including RFC 8058 one-click POSTs from mail clients, which carry no CSRF
    token: the signed token is the credential.
    """
    payload = tokens.unsubscribe_read(token)
    if payload is None:
        return render(request, "forums/unsubscribe.html", {"invalid": True}, status=400)
    subscription = None
    if payload["k"] == tokens.SUBSCRIPTION:
        subscription = (
            Subscription.objects.filter(pk=payload.get("s"), user_id=payload["u"])
            .select_related("thread", "forum")
            .first()
        )
    what = ""
    if subscription is not None:
        what = (
            subscription.thread.title
            if subscription.thread
            else subscription.forum.name
        )
    context = {
        "scope": payload["k"],
        "subscription": subscription,
        "what": what,
        "done": False,
        "gone": payload["k"] == tokens.SUBSCRIPTION and subscription is None,
    }
    if request.method == "POST" and not context["gone"]:
        if subscription is not None:
            subscription.delete()
        else:
            _unsubscribe_everything(user_id=payload["u"], scope=payload["k"])
        context["done"] = True
    return render(request, "forums/unsubscribe.html", context)


def _unsubscribe_everything(*, user_id: int, scope: str) -> None:
    """No more mention emails, or no more emails about new posts, written to
    the notification preferences (which the forum settings mirror)."""
    from django.contrib.auth import get_user_model

    from notifications.models import Delivery, Kind
    from notifications.services import (
        forum_email_delivery_update,
        notification_preferences_update,
    )

    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return
    from notifications.preferences import deliveries_for

    if scope == tokens.MENTIONS:
        if deliveries_for(user)[Kind.MENTION] != Delivery.OFF:
            notification_preferences_update(
                user=user, choices={Kind.MENTION: Delivery.SITE}
            )
    else:
        forum_email_delivery_update(
            user=user, delivery=NotificationPreference.Delivery.OFF
        )
