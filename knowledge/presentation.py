"""What a resource page shows beyond its fields: machine-readable metadata for
search engines and reference managers, provenance, and who may do what."""

import json

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageLogEntry, Revision, TaskState

from portal.links import absolute_url
from working_groups.selectors import event_materials_for_resource, group_list

from .citations import bibtex, citation_text, publisher_names, ris
from .models import ResourceAttachment
from .permissions import can_feature_resource, can_moderate_resource
from .translations import resource_translations_for
from .vocabulary import DCMI_TYPES, LICENCE_URLS, SCHEMA_ORG_TYPES

JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def person_name(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return profile.name if profile is not None else ""


def absolute(request, path: str) -> str:
    """Public links from SITE_URL, never the request's host."""
    return absolute_url(path)


def resource_json_ld(resource, request=None) -> dict:
    """schema.org description, with the type that fits the format."""
    url = absolute(request, resource.get_url(request=request) or "")
    publishers = list(resource.organisations.all())
    data = {
        "@context": "https://schema.org",
        "@type": SCHEMA_ORG_TYPES.get(resource.format, "CreativeWork"),
        "@id": url,
        "url": url,
        "name": resource.title,
        "headline": resource.title[:110],
        "description": resource.summary,
        "inLanguage": resource.language,
        "genre": str(resource.get_format_display()),
        "educationalLevel": str(resource.get_level_display()),
        "keywords": sorted(tag.name for tag in resource.tags.all()),
        "isAccessibleForFree": True,
    }
    if resource.author_list:
        data["author"] = [
            {"@type": "Person", "name": name} for name in resource.author_list
        ]
    if publishers:
        data["publisher"] = [
            {
                "@type": "Organization",
                "name": organisation.name,
                **(
                    {"alternateName": organisation.acronym}
                    if organisation.acronym
                    else {}
                ),
                **({"url": organisation.website} if organisation.website else {}),
            }
            for organisation in publishers
        ]
        if not resource.author_list:
            data["author"] = data["publisher"]
    if resource.publication_date:
        data["datePublished"] = resource.publication_date.isoformat()
    elif resource.year:
        data["datePublished"] = str(resource.year)
    if resource.last_published_at:
        data["dateModified"] = resource.last_published_at.isoformat()
    if resource.series:
        data["isPartOf"] = {"@type": "CreativeWorkSeries", "name": resource.series}
        if resource.series_number:
            data["position"] = resource.series_number
    identifiers = []
    if resource.doi:
        identifiers.append(
            {
                "@type": "PropertyValue",
                "propertyID": "DOI",
                "value": resource.doi,
                "url": resource.doi_url,
            }
        )
    if identifiers:
        data["identifier"] = identifiers
    same_as = [link for link in (resource.doi_url, resource.external_url) if link]
    if same_as:
        data["sameAs"] = same_as
    if resource.licence in LICENCE_URLS:
        data["license"] = LICENCE_URLS[resource.licence]
    if resource.region_labels or resource.countries:
        data["spatialCoverage"] = [
            {"@type": "Place", "name": name}
            for name in [*resource.region_labels, *(c.name for c in resource.countries)]
        ]
    if resource.cover_image_id:
        rendition = resource.cover_image.get_rendition("width-1200")
        data["image"] = absolute(request, rendition.url)
    attachments = list(resource.attachments.all())
    if resource.format == "dataset":
        data["distribution"] = [
            {
                "@type": "DataDownload",
                "name": attachment.label,
                "contentUrl": absolute(request, attachment.document.url),
                "encodingFormat": attachment.document.content_type,
            }
            for attachment in attachments
        ]
    elif attachments:
        data["encoding"] = [
            {
                "@type": "MediaObject",
                "name": attachment.label,
                "contentUrl": absolute(request, attachment.document.url),
                "encodingFormat": attachment.document.content_type,
            }
            for attachment in attachments
        ]
    if resource.format == "webinar":
        data["contentUrl"] = resource.external_url or url
    return data


def json_ld_script(data: dict) -> str:
    """The JSON for a <script type="application/ld+json">, safe inside HTML."""
    return mark_safe(
        json.dumps(data, ensure_ascii=False, indent=2).translate(JSON_SCRIPT_ESCAPES)
    )


def _tag_names(resource) -> list[str]:
    """Tag names as read in bulk for a list (``selectors.citation_rows``),
    else through the relation."""
    loaded = resource.__dict__.get("citation_tags")
    if loaded is not None:
        return list(loaded)
    return [tag.name for tag in resource.tags.all()]


def dublin_core(resource, request=None) -> list[tuple[str, str]]:
    """(name, content) of the Dublin Core <meta> tags."""
    meta = [("DC.title", resource.title)]
    meta += [("DC.creator", name) for name in resource.author_list]
    meta += [("DC.publisher", name) for name in publisher_names(resource)]
    if resource.publication_date:
        meta.append(("DC.date", resource.publication_date.isoformat()))
    elif resource.year:
        meta.append(("DC.date", str(resource.year)))
    meta.append(("DC.type", DCMI_TYPES.get(resource.format, "Text")))
    meta.append(("DC.format", "text/html"))
    meta.append(("DC.language", resource.language))
    meta.append(("DC.description", resource.summary))
    meta += [("DC.subject", name) for name in _tag_names(resource)]
    meta.append(("DC.identifier", absolute(request, resource.get_url(request=request))))
    if resource.doi:
        meta.append(("DC.identifier", f"doi:{resource.doi}"))
    if resource.licence:
        meta.append(
            (
                "DC.rights",
                LICENCE_URLS.get(resource.licence, resource.get_licence_display()),
            )
        )
    if resource.series_label:
        meta.append(("DC.relation.ispartof", str(resource.series_label)))
    return meta


def open_graph(resource, request=None) -> list[tuple[str, str]]:
    meta = [
        ("og:type", "article"),
        ("og:title", resource.title),
        ("og:description", resource.summary),
        ("og:url", absolute(request, resource.get_url(request=request))),
        ("og:site_name", "EMIS Community of Practice"),
        ("og:locale", resource.language),
    ]
    if resource.cover_image_id:
        rendition = resource.cover_image.get_rendition("fill-1200x630")
        meta.append(("og:image", absolute(request, rendition.url)))
        meta.append(("og:image:alt", resource.cover_image.title))
    meta += [("article:tag", tag.name) for tag in resource.tags.all()]
    return meta


# What the public change history of a resource shows. Moderation (requests for
# changes, their comments, workflow steps) is between the submitter and the
# moderators, and stays out of it: a whitelist, so a new kind of log entry is
# private until someone decides otherwise.
PUBLIC_HISTORY_ACTIONS = [
    "wagtail.create",
    "wagtail.publish",
    "wagtail.unpublish",
    "wagtail.rename",
    "wagtail.move",
]


def _publication_changes(resource, history) -> dict[int, list]:
    """For each publication in ``history``, what changed since the version
    published before it (one query for the earlier version's content)."""
    from .history import revision_changes

    published = [
        entry
        for entry in reversed(history)
        if entry.action == "wagtail.publish" and entry.revision_id
    ]
    if not published:
        return {}
    earlier = (
        PageLogEntry.objects.filter(
            page_id=resource.pk,
            action="wagtail.publish",
            revision__isnull=False,
            timestamp__lt=published[0].timestamp,
        )
        .select_related("revision")
        .order_by("-timestamp", "-pk")
        .first()
    )
    labels = {
        field.name: str(field.verbose_name).capitalize()
        for field in type(resource)._meta.get_fields()
        if hasattr(field, "verbose_name")
    }
    labels["introduction"] = str(_("Summary"))
    previous = earlier.revision.content if earlier is not None else None
    changes = {}
    for entry in published:
        changes[entry.pk] = revision_changes(
            previous, entry.revision.content, labels=labels
        )
        previous = entry.revision.content
    return changes


def resource_provenance(resource) -> dict:
    """Who shared the resource, who approved it, when it last changed, and its
    change history (from Wagtail's revisions and log)."""
    first_revision = (
        Revision.page_revisions.filter(object_id=str(resource.pk))
        .order_by("created_at")
        .first()
    )
    approval = (
        TaskState.objects.for_instance(resource)
        .filter(status=TaskState.STATUS_APPROVED)
        .select_related("finished_by__profile")
        .order_by("-finished_at")
        .first()
    )
    history = list(
        PageLogEntry.objects.filter(page_id=resource.pk)
        .filter(action__in=PUBLIC_HISTORY_ACTIONS)
        .select_related("user__profile", "revision")
        .order_by("-timestamp", "-pk")[:50]
    )
    changes = _publication_changes(resource, history)
    if approval is not None:
        approved_by, approved_at = approval.finished_by, approval.finished_at
    else:
        first_publish = next(
            (e for e in reversed(history) if e.action == "wagtail.publish"), None
        )
        approved_by = first_publish.user if first_publish else None
        approved_at = resource.first_published_at
    return {
        "shared_by": person_name(resource.owner) if resource.owner_id else "",
        "shared_at": first_revision.created_at
        if first_revision
        else resource.first_published_at,
        "approved_by": person_name(approved_by),
        "approved_at": approved_at,
        "last_changed": resource.last_published_at
        or resource.latest_revision_created_at,
        "history": [
            {
                "timestamp": entry.timestamp,
                "message": entry.message,
                "user": person_name(entry.user) if entry.user_id else "",
                "changes": changes.get(entry.pk, []),
            }
            for entry in history
        ],
    }


def resource_page_context(request, resource) -> dict:
    user = request.user
    # Organisations, tags and attachments are read by the citation, metadata
    # and page parts below: fetched once here, not once per part.
    # The visibility check before has usually read the groups already.
    groups = [] if "group_ids" in resource.__dict__ else ["groups"]
    prefetch_related_objects(
        [resource],
        "organisations",
        "tags",
        *groups,
        Prefetch(
            "attachments",
            queryset=ResourceAttachment.objects.select_related("document"),
        ),
    )
    visible_groups = {group.pk: group for group in group_list(user=user)}
    groups = [
        visible_groups[pk] for pk in sorted(resource.group_ids) if pk in visible_groups
    ]
    attachments = list(resource.attachments.all())
    base_url = settings.SITE_URL
    return {
        "attachments": attachments,
        "organisations": list(resource.organisations.all()),
        "resource_groups": groups,
        "citation": citation_text(resource),
        "bibtex": bibtex([resource], base_url=base_url),
        "ris": ris([resource], base_url=base_url),
        "json_ld": json_ld_script(resource_json_ld(resource, request)),
        "dublin_core": dublin_core(resource, request),
        "open_graph": open_graph(resource, request),
        "provenance": resource_provenance(resource),
        "can_moderate": can_moderate_resource(user, resource),
        "can_feature": can_feature_resource(user, resource),
        "translations": resource_translations_for(user=user, resource=resource),
        "related": _related(user, resource),
        "event_materials": event_materials_for_resource(user=user, resource=resource),
    }


def _related(user, resource) -> list:
    """Related resources and discussions, found by the search backend."""
    from search.documents import document_key
    from search.selectors import related_content

    return related_content(
        user=user, key=document_key("knowledge.resource", resource.pk)
    )
