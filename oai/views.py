"""/oai/: the OAI-PMH 2.0 endpoint. Every public resource as Dublin Core
(oai_dc), sets per working group, format, knowledge type and level, and
persistent deleted records for what stopped being public."""

import re
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from knowledge.presentation import dublin_core
from knowledge.selectors import citation_rows

from . import protocol
from .models import DeletedRecord
from .protocol import METADATA_PREFIX, OaiError, OaiRequest, format_datestamp
from .selectors import (
    deleted_records,
    earliest_datestamp,
    public_group_slugs_by_id,
    public_resource_total,
    public_resources,
    set_exists,
    set_list,
    set_specs_for,
)

OAI_DC = {
    "prefix": METADATA_PREFIX,
    "schema": "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
    "namespace": "http://www.openarchives.org/OAI/2.0/oai_dc/",
}
# Characters XML 1.0 forbids; user text never reaches the XML with them.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# What a record reads of a resource besides its citation fields.
OAI_FIELDS = (
    "licence",
    "first_published_at",
    "last_published_at",
    "owning_group_id",
    "knowledge_type",
    "level",
)
IDENTIFIER = re.compile(r"^oai:(?P<repository>[^:]+):resource/(?P<pk>\d+)$")


def page_size() -> int:
    return getattr(settings, "OAI_PAGE_SIZE", 100)


def repository_id() -> str:
    site_url = settings.WAGTAILADMIN_BASE_URL or "http://localhost"
    return getattr(settings, "OAI_REPOSITORY_ID", "") or (
        urlsplit(site_url).hostname or "localhost"
    )


def admin_email() -> str:
    configured = getattr(settings, "OAI_ADMIN_EMAIL", "")
    email = configured or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if "." not in email.partition("@")[2]:
        email = f"noreply@{repository_id()}.invalid"
    return email


def identifier_for(resource_id: int) -> str:
    return f"oai:{repository_id()}:resource/{resource_id}"


def resource_id_from(identifier: str) -> int | None:
    match = IDENTIFIER.match(identifier)
    if match is None or match.group("repository") != repository_id():
        return None
    return int(match.group("pk"))


def xml_text(value) -> str:
    return XML_FORBIDDEN.sub("", str(value))


def _dublin_core(resource, request) -> list[tuple[str, str]]:
    """The resource page's Dublin Core <meta> tags as oai_dc elements."""
    elements = []
    for name, content in dublin_core(resource, request):
        element = name.split(".")[1]
        if content:
            elements.append((element, xml_text(content)))
    return elements


def _public_groups(request) -> dict[int, str]:
    """Read once per request, however many records the page lists."""
    if not hasattr(request, "_oai_public_groups"):
        request._oai_public_groups = public_group_slugs_by_id()
    return request._oai_public_groups


def _live_record(resource, request, *, with_metadata: bool) -> dict:
    record = {
        "identifier": identifier_for(resource.pk),
        "datestamp": format_datestamp(
            resource.last_published_at or resource.first_published_at
        ),
        "set_specs": [
            spec
            for spec in set_specs_for(resource, public_groups=_public_groups(request))
            if ":" in spec
        ],
        "deleted": False,
    }
    if with_metadata:
        record["metadata"] = _dublin_core(resource, request)
    return record


def _deleted_record(tombstone: DeletedRecord) -> dict:
    return {
        "identifier": identifier_for(tombstone.resource_id),
        "datestamp": format_datestamp(tombstone.datestamp),
        "set_specs": [spec for spec in tombstone.set_specs if ":" in spec],
        "deleted": True,
    }


def _respond(request, template: str, context: dict, oai_request: OaiRequest | None):
    context.update(
        {
            "response_date": format_datestamp(timezone.now()),
            "base_url": request.build_absolute_uri(request.path),
            "request_args": (
                {"verb": oai_request.verb, **oai_request.args}
                if oai_request is not None
                else {}
            ),
        }
    )
    return render(request, template, context, content_type="text/xml; charset=utf-8")


def _error(request, error: OaiError, oai_request: OaiRequest | None = None):
    return _respond(
        request,
        "oai/error.xml",
        {"errors": [{"code": error.code, "message": error.message}]},
        oai_request,
    )


# -- verbs --------------------------------------------------------------------


def identify(request, oai_request):
    earliest = earliest_datestamp() or timezone.now()
    return _respond(
        request,
        "oai/identify.xml",
        {
            "repository_name": xml_text(settings.WAGTAIL_SITE_NAME),
            "admin_email": admin_email(),
            "earliest_datestamp": format_datestamp(earliest),
        },
        oai_request,
    )


def _record_exists(resource_id: int | None) -> bool:
    if resource_id is None:
        return False
    return (
        public_resources().filter(pk=resource_id).exists()
        or deleted_records().filter(resource_id=resource_id).exists()
    )


def list_metadata_formats(request, oai_request):
    identifier = oai_request.args.get("identifier")
    if identifier is not None and not _record_exists(resource_id_from(identifier)):
        raise OaiError(
            "idDoesNotExist",
            _("No record has the identifier %(id)s.") % {"id": identifier},
        )
    return _respond(
        request, "oai/list_metadata_formats.xml", {"format": OAI_DC}, oai_request
    )


def list_sets(request, oai_request):
    return _respond(request, "oai/list_sets.xml", {"sets": set_list()}, oai_request)


def get_record(request, oai_request):
    resource_id = resource_id_from(oai_request.args["identifier"])
    if resource_id is not None:
        resource = public_resources().filter(pk=resource_id).first()
        if resource is not None:
            record = _live_record(resource, request, with_metadata=True)
            return _respond(
                request, "oai/get_record.xml", {"record": record}, oai_request
            )
        tombstone = deleted_records().filter(resource_id=resource_id).first()
        if tombstone is not None:
            record = _deleted_record(tombstone)
            return _respond(
                request, "oai/get_record.xml", {"record": record}, oai_request
            )
    raise OaiError(
        "idDoesNotExist",
        _("No record has the identifier %(id)s.")
        % {"id": oai_request.args["identifier"]},
    )


def _list(request, oai_request: OaiRequest, *, with_metadata: bool):
    """One page of records (live and deleted, by id) after the token's position."""
    set_spec = oai_request.set_spec
    if set_spec and not set_exists(set_spec):
        raise OaiError(
            "noRecordsMatch", _("There is no set “%(set)s”.") % {"set": set_spec}
        )
    start, end = protocol.date_range(oai_request.args)
    live = public_resources(set_spec=set_spec)
    dead = deleted_records(set_spec=set_spec)
    if start is not None:
        live = live.filter(last_published_at__gte=start)
        dead = dead.filter(datestamp__gte=start)
    if end is not None:
        live = live.filter(last_published_at__lt=end)
        dead = dead.filter(datestamp__lt=end)
    size = page_size()
    after = oai_request.after_id
    live_ids = list(live.filter(pk__gt=after).values_list("pk", flat=True)[: size + 1])
    dead_page = list(dead.filter(resource_id__gt=after)[: size + 1])
    merged = sorted(
        [(pk, None) for pk in live_ids]
        + [(tombstone.resource_id, tombstone) for tombstone in dead_page]
    )
    if not merged:
        raise OaiError("noRecordsMatch", _("No records match the request."))
    page, more = merged[:size], len(merged) > size
    # The page's records as plain values (``citation_rows``), not pages: a
    # hundred page objects cost more to build than their records to write.
    resources = {
        resource.pk: resource
        for resource in citation_rows(
            [pk for pk, dead in page if dead is None],
            fields=OAI_FIELDS,
            with_groups=True,
        )
    }
    records = [
        _deleted_record(tombstone)
        if tombstone is not None
        else _live_record(resources[pk], request, with_metadata=with_metadata)
        for pk, tombstone in page
    ]
    token = None
    if more or oai_request.cursor:
        token = {
            "value": (
                protocol.token_make(
                    oai_request,
                    cursor=oai_request.cursor + len(page),
                    after_id=page[-1][0],
                )
                if more
                else ""
            ),
            "cursor": oai_request.cursor,
            "complete_list_size": (
                live.count()
                if start is not None or end is not None
                else public_resource_total(set_spec=set_spec)
            )
            + dead.count(),
        }
    template = "oai/list_records.xml" if with_metadata else "oai/list_identifiers.xml"
    return _respond(
        request, template, {"records": records, "token": token}, oai_request
    )


def list_identifiers(request, oai_request):
    return _list(request, oai_request, with_metadata=False)


def list_records(request, oai_request):
    return _list(request, oai_request, with_metadata=True)


VERBS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


# Harvesters may POST their (read-only) requests, without a CSRF token: the
# protocol allows POST and nothing is written.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint(request):
    params = request.POST if request.method == "POST" else request.GET
    oai_request = None
    try:
        oai_request = protocol.parse_request(params)
        return VERBS[oai_request.verb](request, oai_request)
    except OaiError as error:
        # The request element echoes the arguments only when they were valid.
        echo = oai_request if error.code not in ("badVerb", "badArgument") else None
        if echo is None and error.code not in ("badVerb", "badArgument"):
            echo = _echo_from(params)
        return _error(request, error, echo)


def _echo_from(params) -> OaiRequest | None:
    verbs = params.getlist("verb")
    if len(verbs) != 1:
        return None
    return OaiRequest(
        verb=verbs[0], args={key: params[key] for key in params if key != "verb"}
    )
