"""Writes of the knowledge library: sharing, moderating, curating, importing."""

import os
import zipfile
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.rich_text import RichText

from working_groups.models import Visibility, WorkingGroupPage

from .models import (
    RESERVED_SLUGS,
    KnowledgeIndexPage,
    Organisation,
    ResourceAttachment,
    ResourcePage,
)
from .permissions import (
    can_feature_resource,
    can_moderate_resource,
    can_submit_to_group,
)

LESSON_FIELDS = {
    "context": "lesson_context",
    "challenge": "lesson_challenge",
    "what_was_done": "lesson_action",
    "result": "lesson_result",
    "lesson": "lesson_learned",
    "recommendation": "lesson_recommendation",
    "contact": "lesson_contact",
}

# What each allowed attachment type starts with: a renamed executable is refused.
FILE_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
}
LIBRARY_COLLECTION_NAME = "Knowledge library"
LIBRARY_WORKFLOW_NAME = "Moderation: knowledge library"
LIBRARY_EDITORS_GROUP = "Editors"


# -- Attachments --------------------------------------------------------------


def attachment_allowed_extensions() -> list[str]:
    return [ext.lower() for ext in settings.WAGTAILDOCS_EXTENSIONS]


# Office documents are ZIP archives: a small upload can inflate to gigabytes
# (a "zip bomb") in any server-side or viewer process that opens it.
ARCHIVE_EXTENSIONS = {"docx", "xlsx", "pptx", "odt", "ods", "odp"}
ARCHIVE_MAX_MEMBERS = 5000
ARCHIVE_MAX_RATIO = 100


def _check_archive(upload, name: str) -> None:
    refused = ValidationError(
        _("“%(name)s” is not a valid document or unpacks to too much data.")
        % {"name": name},
        code="file_archive",
    )
    limit = settings.DOCUMENT_MAX_UNCOMPRESSED_MB * 1024 * 1024
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise refused from error
    finally:
        upload.seek(0)
    unpacked = sum(member.file_size for member in members)
    packed = max(sum(member.compress_size for member in members), 1)
    if (
        len(members) > ARCHIVE_MAX_MEMBERS
        or unpacked > limit
        or unpacked / packed > ARCHIVE_MAX_RATIO
    ):
        raise refused


def attachment_validate(upload) -> None:
    """Refuse files of a type outside the allow-list, too large, or whose content
    does not match their extension."""
    name = getattr(upload, "name", "") or ""
    extension = os.path.splitext(name)[1].lstrip(".").lower()
    allowed = attachment_allowed_extensions()
    if extension not in allowed:
        raise ValidationError(
            _("“%(name)s” is not an accepted file type. Accepted types: %(types)s.")
            % {"name": os.path.basename(name), "types": ", ".join(allowed).upper()},
            code="file_type",
        )
    max_size = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE
    if max_size and upload.size > max_size:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "name": os.path.basename(name),
                "size": f"{upload.size / 1024 / 1024:.1f}",
                "limit": f"{max_size / 1024 / 1024:.0f}",
            },
            code="file_size",
        )
    signatures = FILE_SIGNATURES.get(extension)
    if signatures:
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        if not any(head.startswith(signature) for signature in signatures):
            raise ValidationError(
                _("“%(name)s” does not look like a %(type)s file.")
                % {"name": os.path.basename(name), "type": extension.upper()},
                code="file_content",
            )
    if extension in ARCHIVE_EXTENSIONS:
        _check_archive(upload, os.path.basename(name))
    if extension == "csv":
        upload.seek(0)
        head = upload.read(2048)
        upload.seek(0)
        if b"\x00" in head:
            raise ValidationError(
                _("“%(name)s” does not look like a CSV file.")
                % {"name": os.path.basename(name)},
                code="file_content",
            )


def library_collection_get_or_create() -> Collection:
    root = Collection.get_first_root_node()
    if root is None:  # a flushed database has no root collection
        root = Collection.add_root(name="Root")
    existing = root.get_children().filter(name=LIBRARY_COLLECTION_NAME).first()
    if existing is not None:
        return existing
    return root.add_child(name=LIBRARY_COLLECTION_NAME)


def attachment_document_create(*, upload, uploaded_by, title: str = ""):
    """Store an uploaded file as a Wagtail document in the library's collection."""
    attachment_validate(upload)
    Document = get_document_model()
    base_name = os.path.splitext(os.path.basename(upload.name))[0]
    document = Document(
        title=(title or base_name.replace("_", " ").replace("-", " ")).strip()[:255]
        or base_name,
        file=upload,
        uploaded_by_user=uploaded_by,
        collection=library_collection_get_or_create(),
    )
    document._set_document_file_metadata()
    document.save()
    return document


# -- Workflows ----------------------------------------------------------------


def knowledge_index_get_or_create() -> KnowledgeIndexPage:
    from portal.demo import home_page_get_or_create

    index = KnowledgeIndexPage.objects.order_by("path").first()
    if index is None:
        index = KnowledgeIndexPage(
            title="Knowledge library",
            slug="knowledge",
            introduction=(
                "Reports, data sets, training material, webinars, lessons learned "
                "and stories shared by the EMIS community."
            ),
        )
        home_page_get_or_create().add_child(instance=index)
        index.save_revision().publish()
    return index


@transaction.atomic
def library_moderation_setup(*, index: KnowledgeIndexPage) -> Workflow:
    """A workflow for site-wide resources (those outside any working group),
    approved by the site's editors. Idempotent."""
    existing = WorkflowPage.objects.filter(page=index).select_related("workflow")
    if existing.exists():
        return existing.get().workflow
    editors, _created = Group.objects.get_or_create(name=LIBRARY_EDITORS_GROUP)
    editors.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    for permission_type in ("add", "change", "publish"):
        GroupPagePermission.objects.get_or_create(
            group=editors,
            page=index,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore",
                codename=f"{permission_type}_page",
            ),
        )
    workflow, _created = Workflow.objects.get_or_create(name=LIBRARY_WORKFLOW_NAME)
    task = GroupApprovalTask.objects.filter(name=LIBRARY_WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=LIBRARY_WORKFLOW_NAME)
    task.groups.add(editors)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=index)
    return workflow


def _workflow_for(parent: Page) -> Workflow:
    if isinstance(parent, WorkingGroupPage):
        if not WorkflowPage.objects.filter(page=parent).exists():
            from working_groups.services import group_moderation_setup

            group_moderation_setup(group=parent)
    else:
        library_moderation_setup(index=parent)
    workflow = parent.get_workflow()
    if workflow is None:  # pragma: no cover - set up just above
        raise ValidationError(_("No moderation workflow is set up for this group."))
    return workflow


# -- Sharing ------------------------------------------------------------------


def resource_slug_available(slug: str, parent: Page, exclude_pk=None) -> bool:
    if not slug or slug in RESERVED_SLUGS:
        return False
    taken = ResourcePage.objects.filter(slug=slug)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        return False
    return Page._slug_is_available(slug, parent)


def resource_slug_generate(title: str, parent: Page) -> str:
    """A slug unique across the library (its URL is /knowledge/<slug>/)."""
    base = slugify(title, allow_unicode=True)[:70].strip("-") or "resource"
    slug, suffix = base, 1
    while not resource_slug_available(slug, parent):
        suffix += 1
        slug = f"{base}-{suffix}"
    return slug


def text_to_paragraphs(text: str) -> list[tuple[str, RichText]]:
    """Plain text (paragraphs separated by blank lines) as escaped rich text
    paragraphs: what users type is never interpreted as HTML."""
    blocks = []
    for chunk in (text or "").replace("\r\n", "\n").split("\n\n"):
        chunk = chunk.strip()
        if chunk:
            html = "<br/>".join(escape(line) for line in chunk.split("\n"))
            blocks.append(("paragraph", RichText(f"<p>{html}</p>")))
    return blocks


def _lesson_fields(lesson: dict | None) -> dict[str, str]:
    lesson = lesson or {}
    unknown = set(lesson) - set(LESSON_FIELDS)
    if unknown:
        raise ValueError(f"Unknown lesson fields: {', '.join(sorted(unknown))}")
    return {LESSON_FIELDS[key]: (value or "").strip() for key, value in lesson.items()}


@transaction.atomic
def resource_submit(
    *,
    submitter,
    group: WorkingGroupPage | None,
    title: str,
    summary: str,
    format: str,
    knowledge_type: str | None = None,
    level: str = "all-levels",
    language: str = "en",
    visibility: str = "public",
    tags: Iterable[str] = (),
    lesson: dict | None = None,
    body_text: str = "",
    attachments: Iterable = (),
    discussion_url: str = "",
    discussion_title: str = "",
    authors: str = "",
    organisations: Iterable[Organisation] = (),
    publication_year: int | None = None,
    series: str = "",
    series_number: str = "",
    doi: str = "",
    external_url: str = "",
    licence: str = "",
    regions: Iterable[str] = (),
    countries: Iterable[str] = (),
) -> ResourcePage:
    """Share a resource: saved as a draft below the group's page (or the library
    index when ``group`` is None), owned by the submitter, and sent into the
    group's moderation workflow. ``attachments`` are uploaded files or Wagtail
    documents. Raises ValidationError for bad input, PermissionDenied when the
    submitter may not share to that group."""
    if not can_submit_to_group(submitter, group):
        raise PermissionDenied(_("Only members of a group can share to it."))
    if visibility == Visibility.MEMBERS and group is None:
        raise ValidationError(
            {"visibility": _("Members-only resources need a working group.")}
        )
    parent = group if group is not None else knowledge_index_get_or_create()
    workflow = _workflow_for(parent)
    # Links to this site are kept as paths, so they survive a change of host.
    site_root = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    if site_root and discussion_url.startswith(site_root + "/"):
        discussion_url = discussion_url[len(site_root) :]

    Document = get_document_model()
    documents = [
        item
        if isinstance(item, Document)
        else attachment_document_create(upload=item, uploaded_by=submitter)
        for item in attachments
    ]
    resource = ResourcePage(
        title=title.strip(),
        slug=resource_slug_generate(title, parent),
        introduction=summary.strip(),
        format=format,
        knowledge_type=knowledge_type or "",
        level=level,
        language=language,
        visibility=visibility,
        body=text_to_paragraphs(body_text),
        discussion_url=discussion_url,
        discussion_title=discussion_title[:255],
        authors=authors.strip(),
        publication_year=publication_year,
        series=series.strip(),
        series_number=series_number.strip(),
        doi=doi,
        external_url=external_url,
        licence=licence,
        regions=list(regions),
        countries=list(countries),
        owner=submitter,
        live=False,
        **_lesson_fields(lesson),
    )
    resource.tags.set([tag.strip() for tag in tags if tag and tag.strip()])
    resource.organisations = list(organisations)
    resource.attachments = [
        ResourceAttachment(document=document, sort_order=position)
        for position, document in enumerate(documents)
    ]
    parent.add_child(instance=resource)
    resource.save_revision(user=submitter, log_action=True)
    workflow.start(resource, submitter)
    return resource


RESUBMITTABLE_FIELDS = {
    "title",
    "format",
    "level",
    "language",
    "visibility",
    "authors",
    "publication_year",
    "series",
    "series_number",
    "doi",
    "external_url",
    "licence",
}


@transaction.atomic
def resource_resubmit(
    *,
    submitter,
    resource: ResourcePage,
    summary: str,
    knowledge_type: str | None = None,
    tags: Iterable[str] = (),
    lesson: dict | None = None,
    body_text: str | None = None,
    attachments: Iterable = (),
    organisations: Iterable[Organisation] = (),
    regions: Iterable[str] = (),
    **fields,
) -> ResourcePage:
    """After a moderator asked for changes, the submitter edits their resource
    and sends it back into the same workflow. New files are added to the old."""
    state = resource.current_workflow_state
    if resource.owner_id != getattr(submitter, "pk", None):
        raise PermissionDenied(_("Only the person who shared it can change it here."))
    if resource.live or state is None or state.status != state.STATUS_NEEDS_CHANGES:
        raise ValidationError(
            _("This resource can be changed here only after moderators ask for it.")
        )
    unknown = set(fields) - RESUBMITTABLE_FIELDS
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(sorted(unknown))}")
    if fields.get("visibility") == Visibility.MEMBERS and not resource.owning_group_id:
        raise ValidationError(
            {"visibility": _("Members-only resources need a working group.")}
        )
    draft = resource.get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(draft, name, value.strip() if isinstance(value, str) else value)
    draft.draft_title = draft.title
    draft.introduction = summary.strip()
    draft.knowledge_type = knowledge_type or ""
    for name, value in _lesson_fields(lesson).items():
        setattr(draft, name, value)
    if body_text is not None:
        draft.body = text_to_paragraphs(body_text)
    draft.tags.set([tag.strip() for tag in tags if tag and tag.strip()])
    draft.organisations = list(organisations)
    draft.regions = list(regions)
    Document = get_document_model()
    position = len(draft.attachments.all())
    for offset, item in enumerate(attachments):
        document = (
            item
            if isinstance(item, Document)
            else attachment_document_create(upload=item, uploaded_by=submitter)
        )
        draft.attachments.add(
            ResourceAttachment(document=document, sort_order=position + offset)
        )
    # Never published: the page's own row may hold the draft, so that its
    # attachments are known (and protected) like the first submission's.
    draft.save()
    draft.save_revision(user=submitter, log_action=True)
    state.resume(user=submitter)
    return ResourcePage.objects.get(pk=resource.pk)


@transaction.atomic
def resource_moderate(
    *, resource: ResourcePage, moderator, approve: bool, comment: str = ""
) -> ResourcePage:
    """Approve (publish) or reject (request changes to) a resource in moderation,
    through its Wagtail workflow task, as the admin would."""
    if not can_moderate_resource(moderator, resource):
        raise PermissionDenied(_("You do not moderate this resource."))
    task_state = resource.current_workflow_task_state
    if task_state is None:
        raise ValidationError(_("This resource is not awaiting moderation."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError(
            {"comment": _("Tell the submitter what to change before rejecting.")}
        )
    task_state.task.specific.on_action(
        task_state, moderator, "approve" if approve else "reject", comment=comment
    )
    return ResourcePage.objects.get(pk=resource.pk)


@transaction.atomic
def resource_feature(*, resource: ResourcePage, user, featured: bool) -> ResourcePage:
    """Feature (or stop featuring) a live resource: a new published revision, so
    the change shows in the history."""
    if not can_feature_resource(user, resource):
        raise PermissionDenied(_("You do not curate this resource."))
    live = ResourcePage.objects.get(pk=resource.pk)
    if live.has_unpublished_changes:
        raise ValidationError(
            _("This resource has unpublished changes; feature it in the admin.")
        )
    if live.featured == featured:
        return live
    live.featured = featured
    revision = live.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    return ResourcePage.objects.get(pk=resource.pk)


def organisation_get_or_create(*, name: str, acronym: str = "") -> Organisation:
    """Match a publisher by acronym or name (case-insensitive), else create it."""
    name = name.strip()
    acronym = acronym.strip()
    if acronym:
        match = Organisation.objects.filter(acronym__iexact=acronym).first()
        if match:
            return match
    match = (
        Organisation.objects.filter(name__iexact=name).first()
        or Organisation.objects.filter(acronym__iexact=name).first()
    )
    if match:
        return match
    return Organisation.objects.create(name=name, acronym=acronym)


# -- Import -------------------------------------------------------------------

IMPORTED_FIELDS = [
    "title",
    "introduction",
    "format",
    "knowledge_type",
    "level",
    "language",
    "publication_year",
    "publication_date",
    "authors",
    "series",
    "series_number",
    "doi",
    "external_url",
    "licence",
    "regions",
    "countries",
    "visibility",
]


def _imported_values(data: dict) -> dict:
    return {
        "title": data["title"],
        "introduction": data["summary"],
        "format": data["format"],
        "knowledge_type": data.get("knowledge_type") or "",
        "level": data.get("level") or "all-levels",
        "language": data.get("language") or "en",
        "publication_year": data.get("year")
        or (data["publication_date"].year if data.get("publication_date") else None),
        "publication_date": data.get("publication_date"),
        "authors": "\n".join(
            name.strip()
            for name in split_authors(data.get("authors", ""))
            if name.strip()
        ),
        "series": data.get("series", ""),
        "series_number": data.get("series_number", ""),
        "doi": data.get("doi", ""),
        "external_url": data.get("url", ""),
        "licence": data.get("licence", ""),
        "regions": list(data.get("regions") or []),
        "countries": sorted(data.get("countries") or []),
        "visibility": data.get("visibility") or Visibility.PUBLIC,
    }


def split_authors(value: str) -> list[str]:
    """Authors come one per line, or separated by semicolons."""
    return [part for line in value.splitlines() for part in line.split(";")]


# Where each imported field comes from in an import row.
IMPORT_SOURCES = {
    "introduction": "summary",
    "publication_year": "year",
    "external_url": "url",
}


def _current_values(resource: ResourcePage) -> dict:
    values = {name: getattr(resource, name) for name in IMPORTED_FIELDS}
    values["countries"] = [country.code for country in resource.countries]
    values["regions"] = list(resource.regions or [])
    if not values["knowledge_type"]:
        values["knowledge_type"] = ""
    return values


@transaction.atomic
def resource_import_upsert(*, data: dict, user=None) -> str:
    """Create or update one imported resource, matched by DOI, else by link, and
    publish it. Returns "created", "updated" or "unchanged" (nothing to publish)."""
    from .selectors import resource_find_existing

    values = _imported_values(data)
    organisations = [
        organisation_get_or_create(name=name)
        for name in split_names(data.get("organisations", ""))
    ]
    tags = [tag.strip() for tag in data.get("tags", "").split(";") if tag.strip()]
    existing = resource_find_existing(
        doi=values["doi"],
        url=values["external_url"],
        slug=data.get("portal_slug", ""),
    )
    if existing is None:
        parent = data.get("group") or knowledge_index_get_or_create()
        resource = ResourcePage(
            slug=resource_slug_generate(values["title"], parent), owner=user, **values
        )
        resource.tags.set(tags)
        resource.organisations = organisations
        parent.add_child(instance=resource)
        resource.save_revision(user=user, log_action=True).publish(user=user)
        return "created"

    resource = existing.get_latest_revision_as_object()
    before = _current_values(resource)
    provided = data.get("provided")
    if provided is not None:
        # A RIS or CSL-JSON record: what it does not say stays as it is.
        for name in IMPORTED_FIELDS:
            if IMPORT_SOURCES.get(name, name) not in provided:
                values[name] = before[name]
        if before["format"] in data.get("format_candidates", ()):
            values["format"] = before["format"]
        if "tags" not in provided:
            tags = [tag.name for tag in resource.tags.all()]
        if "organisations" not in provided:
            organisations = list(resource.organisations.all())
    if not values["knowledge_type"] and values["format"] == before["format"]:
        # No type in the file: keep the one the resource has (an editor's choice).
        values["knowledge_type"] = before["knowledge_type"]
    unchanged = (
        before == values
        and sorted(tag.name for tag in resource.tags.all()) == sorted(tags)
        and sorted(o.pk for o in resource.organisations.all())
        == sorted(o.pk for o in organisations)
        and existing.live
        and not existing.has_unpublished_changes
    )
    if unchanged:
        return "unchanged"
    for name, value in values.items():
        setattr(resource, name, value)
    resource.tags.set(tags)
    resource.organisations = organisations
    resource.save_revision(user=user, log_action=True).publish(user=user)
    return "updated"


def split_names(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]
