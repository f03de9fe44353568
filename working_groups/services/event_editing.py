"""Writes behind the group space's event pages: a group's moderators create,
edit, cancel and duplicate events, and file their recordings and slides into
the library. Every change goes through Wagtail revisions (and the group's
moderation workflow for those who may not publish), exactly as the admin
does, so the page history, the iCalendar SEQUENCE and the mails to people
registered behave the same from both places."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..models import EventMaterial, EventPage, WorkingGroupPage
from .events import EventError

# What each kind of material becomes in the library.
MATERIAL_FORMATS = {
    EventMaterial.Kind.RECORDING: "webinar",
    EventMaterial.Kind.SLIDES: "conference-paper",
    EventMaterial.Kind.REPORT: "report",
    EventMaterial.Kind.OTHER: "report",
}


def event_slug_generate(title: str, *, exclude_pk=None) -> str:
    """A slug free across all events: their URL is /events/<slug>/."""
    base = slugify(title, allow_unicode=True)[:70].strip("-") or "event"
    taken = set(
        EventPage.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, suffix = base, 1
    while slug in taken:
        suffix += 1
        slug = f"{base}-{suffix}"
    return slug


def _publish_or_submit(*, page: EventPage, user, action: str):
    """Save a revision and, by ``action``: publish it, send it into the
    workflow, or leave it as a draft. Publishing needs the right to publish."""
    revision = page.save_revision(user=user, log_action=True)
    if action == "publish":
        if not page.permissions_for_user(user).can_publish():
            raise PermissionDenied
        revision.publish(user=user)
    elif action == "submit":
        workflow = page.get_workflow()
        if workflow is None:
            raise EventError(_("This group has no moderation workflow."))
        state = page.current_workflow_state
        if state is None:
            workflow.start(page, user)
        elif state.status == state.STATUS_NEEDS_CHANGES:
            state.resume(user=user)
    return revision


@transaction.atomic
def event_page_create(
    *, group: WorkingGroupPage, user, event: EventPage, action: str = "publish"
) -> EventPage:
    """Add an event (validated by EventSiteForm) below its group, as its
    moderator would in the admin: a draft, published or submitted."""
    if not group.permissions_for_user(user).can_add_subpage():
        raise PermissionDenied
    if not event.slug:
        event.slug = event_slug_generate(event.title)
    event.owner = user
    event.live = False
    group.add_child(instance=event)
    _publish_or_submit(page=event, user=user, action=action)
    return EventPage.objects.get(pk=event.pk)


@transaction.atomic
def event_page_update(*, event: EventPage, user, action: str = "publish") -> EventPage:
    """Save the edited event (the latest revision with the form's changes) as a
    new revision; publishing it tells the people registered what changed."""
    from ..permissions import can_edit_event

    if not can_edit_event(user, event):
        raise PermissionDenied
    event.draft_title = event.title
    _publish_or_submit(page=event, user=user, action=action)
    return EventPage.objects.get(pk=event.pk)


def _live_copy_for_change(event: EventPage) -> EventPage:
    event = EventPage.objects.select_for_update().get(pk=event.pk)
    if event.has_unpublished_changes:
        raise EventError(
            _(
                "This event has unpublished changes: publish or discard them "
                "first, so that they are not published by accident."
            )
        )
    return event


@transaction.atomic
def event_cancel(*, event: EventPage, user, note: str = "") -> EventPage:
    """Cancel a published event: a new published revision, so the page history
    shows who did it, and everyone registered hears of it (EventPage.save)."""
    from ..permissions import can_cancel_event

    if not can_cancel_event(user, event):
        raise PermissionDenied
    event = _live_copy_for_change(event)
    if event.cancelled:
        return event
    event.cancelled = True
    event.registration_open = False
    event.cancellation_note = (note or "").strip()
    revision = event.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    return EventPage.objects.get(pk=event.pk)


@transaction.atomic
def event_duplicate(*, event: EventPage, user) -> EventPage:
    """A draft copy of the event in the same group, to be given new dates:
    speakers and tags come along; registrations, materials, the featured mark
    and any cancellation do not."""
    from ..permissions import can_duplicate_event

    if not can_duplicate_event(user, event):
        raise PermissionDenied
    source = event.get_latest_revision_as_object()
    title = _("%(title)s (copy)") % {"title": source.title}
    copy = event.copy(
        to=event.get_parent(),
        update_attrs={
            "title": title,
            "draft_title": title,
            "slug": event_slug_generate(title),
            "live": False,
            "featured": False,
            "cancelled": False,
            "cancellation_note": "",
            "registration_open": True,
            "sequence": 0,
            "owner": user,
        },
        exclude_fields=["materials"],
        keep_live=False,
        copy_revisions=False,
        user=user,
        log_action="wagtail.copy",
    )
    copy = EventPage.objects.get(pk=copy.pk)
    copy.save_revision(user=user, log_action=False)
    return copy


@transaction.atomic
def event_material_attach(
    *,
    event: EventPage,
    user,
    kind: str,
    title: str,
    summary: str = "",
    url: str = "",
    upload=None,
) -> EventMaterial:
    """File a recording, slides or a report into the library as a resource of
    the event's group (same visibility as the event), approved by the
    moderator through the group's workflow, and link it from the event."""
    from knowledge.services import resource_moderate, resource_submit

    from ..permissions import can_attach_event_material

    if not can_attach_event_material(user, event):
        raise PermissionDenied
    event = _live_copy_for_change(event)
    group = event.group
    if group is None:
        raise EventError(_("Only a working group's events can be filed here."))
    if not url and upload is None:
        raise ValidationError(_("Give a link, a file, or both."))
    summary = (summary or "").strip() or _("%(kind)s of the event “%(event)s”.") % {
        "kind": EventMaterial.Kind(kind).label,
        "event": event.title,
    }
    resource = resource_submit(
        submitter=user,
        group=group,
        title=title,
        summary=summary,
        format=MATERIAL_FORMATS[EventMaterial.Kind(kind)],
        visibility=event.visibility,
        tags=[tag.name for tag in event.tags.all()],
        external_url=url,
        attachments=[upload] if upload is not None else [],
        publication_year=event.start.year,
    )
    resource_moderate(resource=resource, moderator=user, approve=True)
    material = EventMaterial(resource=resource, kind=kind)
    event.materials.add(material)
    revision = event.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    return EventMaterial.objects.get(page=event, resource=resource)
