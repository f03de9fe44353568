"""Creating and revoking personal API tokens from the profile page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.models import APIToken

from .permissions import can_create_api_token, can_revoke_api_token
from .services import api_token_create, api_token_revoke


@never_cache
@login_required
@require_POST
def token_create(request):
    name = (request.POST.get("name") or "").strip()
    if not name:
        messages.error(request, _("Give the token a name."))
        return redirect("profile_edit")
    if not can_create_api_token(request.user):
        messages.error(
            request, _("You have too many active tokens; revoke one you no longer use.")
        )
        return redirect("profile_edit")
    token, key = api_token_create(user=request.user, name=name)
    return render(request, "api/token_created.html", {"token": token, "key": key})


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(APIToken, pk=pk)
    if not can_revoke_api_token(request.user, token):
        raise Http404
    try:
        api_token_revoke(user=request.user, token=token)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(
        request, _("The token “%(name)s” is revoked.") % {"name": token.name}
    )
    return redirect("profile_edit")
