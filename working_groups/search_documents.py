"""Working groups and events in the portal's search (see search/documents.py).

A group's space is public unless the group is members-only. An event follows
working_groups.permissions.can_view_event: public when it is public and its
group (if any) is public; otherwise for the group's members and staff.
"""

from search.documents import (
    Kind,
    SearchDocument,
    SearchDocumentProvider,
    document_key,
    indexed_visibility,
    page_url,
    plain_text,
    register,
)

from .models import EventPage, Visibility, WorkingGroupPage

GROUP_SOURCE = "working_groups.group"


def group_is_public(group: WorkingGroupPage) -> bool:
    return group.live and group.visibility == Visibility.PUBLIC


def group_visibility_changed(group: WorkingGroupPage) -> bool:
    """Whether the group's public/private state differs from what is indexed:
    only then must its resources, events and discussions be reindexed (group
    pages are saved on every draft, which must not reindex everything)."""
    indexed = indexed_visibility(document_key(GROUP_SOURCE, group.pk))
    return indexed is None or indexed[1] != group_is_public(group)


@register
class WorkingGroupProvider(SearchDocumentProvider):
    label = GROUP_SOURCE
    model = WorkingGroupPage

    def queryset(self):
        return WorkingGroupPage.objects.all()

    def searchable_queryset(self):
        return WorkingGroupPage.objects.live()

    def document(self, group: WorkingGroupPage) -> SearchDocument | None:
        if not group.live:
            return None
        public = group.visibility == Visibility.PUBLIC
        focus = "\n".join(group.focus_area_list)
        return SearchDocument(
            source=self.label,
            object_id=group.pk,
            kind=Kind.GROUP,
            title=group.title,
            url=page_url(group),
            summary=group.introduction,
            body=f"{plain_text(group.mission)}\n{focus}",
            tags=[group.short_name] if group.short_name else [],
            date=group.last_published_at or group.first_published_at,
            is_public=public,
            group_ids=[] if public else [group.pk],
            working_groups=[group.pk],
        )


def _event_ids_of_group(group: WorkingGroupPage) -> list[int]:
    if not group_visibility_changed(group):
        return []
    return list(EventPage.objects.filter(group=group).values_list("pk", flat=True))


@register
class EventProvider(SearchDocumentProvider):
    label = "working_groups.event"
    model = EventPage
    dependencies = {WorkingGroupPage: _event_ids_of_group}

    def queryset(self):
        # Tags through their tagged items: the tag manager's own prefetch
        # builds one condition per event, slow for a batch of hundreds.
        return EventPage.objects.select_related("group").prefetch_related(
            "tagged_items__tag", "speakers"
        )

    def searchable_queryset(self):
        return self.queryset().live()

    def document(self, event: EventPage) -> SearchDocument | None:
        if not event.live:
            return None
        group = event.group
        public = event.visibility == Visibility.PUBLIC and (
            group is None or group.visibility == Visibility.PUBLIC
        )
        speakers = [
            " ".join(filter(None, [s.name, s.affiliation, s.topic]))
            for s in event.speakers.all()
        ]
        body = "\n".join(
            filter(
                None,
                [
                    plain_text(event.description),
                    plain_text(event.agenda),
                    event.venue,
                    event.address,
                    *speakers,
                    event.cancellation_note if event.cancelled else "",
                ],
            )
        )
        return SearchDocument(
            source=self.label,
            object_id=event.pk,
            kind=Kind.EVENT,
            title=event.title,
            url=page_url(event),
            summary=event.introduction,
            body=body,
            tags=[tagged.tag.name for tagged in event.tagged_items.all()],
            date=event.start,
            is_public=public,
            group_ids=[group.pk] if group is not None and not public else [],
            working_groups=[group.pk] if group is not None else [],
            countries=[event.country.code] if event.country else [],
        )
