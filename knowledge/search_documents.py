"""Resources (lessons learned included) in the portal's search (see
search/documents.py).

Mirrors knowledge.permissions.can_view_resource: a live resource is public when
it is public and its owning group (if any) is public; otherwise it is for the
members of its groups (owner and "also shared with") and staff. Drafts and pages
in moderation are never indexed: only live pages are.
"""

from search.documents import (
    Kind,
    SearchDocument,
    SearchDocumentProvider,
    page_url,
    register,
    stream_text,
)
from working_groups.models import Visibility, WorkingGroupPage
from working_groups.search_documents import group_visibility_changed

from .models import ResourcePage


def _resource_ids_owned_by(group: WorkingGroupPage) -> list[int]:
    """A group turning private (or public) changes its public resources."""
    if not group_visibility_changed(group):
        return []
    return list(
        ResourcePage.objects.filter(owning_group=group).values_list("pk", flat=True)
    )


@register
class ResourceProvider(SearchDocumentProvider):
    label = "knowledge.resource"
    model = ResourcePage
    dependencies = {WorkingGroupPage: _resource_ids_owned_by}

    def queryset(self):
        # Tags through their tagged items: the tag manager's own prefetch
        # builds one condition per resource, slow for a batch of hundreds.
        return ResourcePage.objects.select_related("owning_group").prefetch_related(
            "tagged_items__tag", "groups", "organisations"
        )

    def searchable_queryset(self):
        return self.queryset().live()

    def document(self, resource: ResourcePage) -> SearchDocument | None:
        if not resource.live:
            return None
        owner = resource.owning_group
        public = resource.visibility == Visibility.PUBLIC and (
            owner is None or owner.visibility == Visibility.PUBLIC
        )
        group_ids = sorted(resource.group_ids)
        organisations = [
            " ".join(filter(None, [o.name, o.acronym]))
            for o in resource.organisations.all()
        ]
        lesson = [text for _label, text in resource.lesson_sections if text]
        body = "\n".join(
            filter(
                None,
                [
                    *lesson,
                    stream_text(resource.body),
                    resource.authors,
                    resource.series_label,
                    *organisations,
                    resource.lesson_contact,
                    resource.discussion_title,
                ],
            )
        )
        published = resource.publication_date
        if published is not None:
            from datetime import datetime, time

            from django.utils import timezone

            date = timezone.make_aware(datetime.combine(published, time(12)))
        else:
            date = resource.first_published_at
        return SearchDocument(
            source=self.label,
            object_id=resource.pk,
            kind=Kind.RESOURCE,
            title=resource.title,
            url=page_url(resource),
            summary=resource.introduction,
            body=body,
            tags=[tagged.tag.name for tagged in resource.tagged_items.all()],
            language=resource.language,
            date=date,
            is_public=public,
            group_ids=[] if public else group_ids,
            knowledge_type=resource.knowledge_type,
            format=resource.format,
            level=resource.level,
            working_groups=group_ids,
            year=resource.year,
            regions=list(resource.regions or []),
            countries=[country.code for country in resource.countries],
        )
