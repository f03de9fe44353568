"""A group's moderators run their events from the group space: list, create,
edit, duplicate, cancel, and file the recording and slides afterwards.
permissions.py decides, services/event_editing.py writes, the form is the admin's."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, selectors
from .event_forms import EventCancelForm, EventMaterialForm, EventSiteForm
from .models import EventPage
from .services import (
    EventError,
    event_cancel,
    event_duplicate,
    event_material_attach,
    event_page_create,
    event_page_update,
)
from .views import _refuse, group_view

ACTIONS = ("publish", "submit", "draft")


def _manage_url(group) -> str:
    return reverse("working_groups:group_events", args=[group.slug])


def _group_event(group, pk) -> EventPage:
    """An event of this group, published or not (moderators only reach here)."""
    event = EventPage.objects.filter(pk=pk, group=group).select_related("group").first()
    if event is None:
        raise Http404
    return event


def _action(request) -> str:
    action = request.POST.get("action", "publish")
    return action if action in ACTIONS else "draft"


def _form_context(group, user, *, event=None) -> dict:
    target = event if event is not None else group
    perms = target.permissions_for_user(user)
    can_publish = (
        perms.can_publish() if event is not None else perms.can_publish_subpage()
    )
    return {
        "group": group,
        "can_publish": can_publish,
        "can_submit": not can_publish and group.has_workflow,
    }


@group_view(permissions.can_manage_group_events)
def group_events(request, group):
    events = selectors.event_list_for_management(group=group)
    return render(
        request,
        "working_groups/group_events.html",
        {"group": group, **events},
    )


@group_view(permissions.can_manage_group_events)
def event_create(request, group):
    event = EventPage(owner=request.user)
    form = EventSiteForm(
        request.POST or None, instance=event, parent_page=group, for_user=request.user
    )
    if request.method == "POST" and form.is_valid():
        event = event_page_create(
            group=group,
            user=request.user,
            event=form.save(),
            action=_action(request),
        )
        messages.success(request, _status_message(event))
        return redirect(_manage_url(group))
    return render(
        request,
        "working_groups/event_form.html",
        {"form": form, "event": None, **_form_context(group, request.user)},
        status=400 if form.is_bound else 200,
    )


@group_view(permissions.can_manage_group_events)
def event_edit(request, group, pk):
    event = _group_event(group, pk)
    if not permissions.can_edit_event(request.user, event):
        return _refuse(request)
    draft = event.get_latest_revision_as_object()
    form = EventSiteForm(
        request.POST or None,
        instance=draft,
        parent_page=group,
        for_user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = event_page_update(
                event=form.save(), user=request.user, action=_action(request)
            )
        except EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _status_message(event))
            return redirect(_manage_url(group))
    return render(
        request,
        "working_groups/event_form.html",
        {
            "form": form,
            "event": event,
            **_form_context(group, request.user, event=event),
        },
        status=400 if form.is_bound else 200,
    )


def _status_message(event: EventPage) -> str:
    if event.live and not event.has_unpublished_changes:
        return _("“%(title)s” is published.") % {"title": event.title}
    if selectors._in_workflow_ids([event.pk]):
        return _("“%(title)s” is waiting for the moderators.") % {"title": event.title}
    return _("“%(title)s” is saved as a draft.") % {"title": event.title}


@require_POST
@group_view(permissions.can_manage_group_events)
def event_duplicate_view(request, group, pk):
    event = _group_event(group, pk)
    if not permissions.can_duplicate_event(request.user, event):
        return _refuse(request)
    copy = event_duplicate(event=event, user=request.user)
    messages.success(
        request,
        _("A draft copy was made: give it its new dates, then publish it."),
    )
    return redirect("working_groups:event_edit", group.slug, copy.pk)


@group_view(permissions.can_manage_group_events)
def event_cancel_view(request, group, pk):
    event = _group_event(group, pk)
    if not permissions.can_cancel_event(request.user, event):
        return _refuse(request)
    form = EventCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event_cancel(event=event, user=request.user, note=form.cleaned_data["note"])
        except EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The event is cancelled; everyone registered is told."),
            )
            return redirect(_manage_url(group))
    return render(
        request,
        "working_groups/event_cancel.html",
        {"group": group, "event": event, "form": form},
        status=400 if form.is_bound else 200,
    )


@group_view(permissions.can_manage_group_events)
def event_materials(request, group, pk):
    event = _group_event(group, pk)
    if not permissions.can_attach_event_material(request.user, event):
        return _refuse(request)
    form = EventMaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            material = event_material_attach(
                event=event,
                user=request.user,
                kind=data["kind"],
                title=data["title"],
                summary=data["summary"],
                url=data["url"],
                upload=data["file"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file" if data["file"] else None, message)
        except EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("“%(title)s” is in the library and linked from the event.")
                % {"title": material.resource.title},
            )
            return redirect(event.get_url(request))
    return render(
        request,
        "working_groups/event_materials.html",
        {
            "group": group,
            "event": event,
            "form": form,
            "materials": list(event.materials.select_related("resource")),
        },
        status=400 if form.is_bound else 200,
    )
