"""The library's views outside the page tree: sharing, moderation, submissions,
citations, lessons learned and tags. Pages (/knowledge/, /knowledge/<slug>/)
are served by Wagtail (see models/pages.py)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import WorkflowState

from portal.visibility import hidden
from working_groups.selectors import moderated_group_ids_for_user

from .citations import bibtex, csl_json, ris
from .forms import (
    ModerationDecisionForm,
    ResourceResubmitForm,
    ResourceSubmitForm,
    resource_initial,
)
from .library import library_context
from .models import ResourcePage
from .permissions import can_moderate_resource, can_submit_resource
from .presentation import person_name
from .selectors import (
    LibraryQuery,
    resource_get_visible,
    resource_list_for_citation,
    resource_list_pending_for_user,
    resource_list_submitted_by,
    tag_get_visible,
    tag_list_with_counts,
)
from .services import (
    resource_feature,
    resource_moderate,
    resource_resubmit,
    resource_submit,
)

CITATION_FORMATS = {
    "bib": ("application/x-bibtex; charset=utf-8", bibtex),
    "ris": ("application/x-research-info-systems; charset=utf-8", ris),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", csl_json),
}
CITE_LIST_LIMIT = 1000


@require_GET
def lessons_learned(request):
    context = library_context(request, lessons=True, base_path="/lessons-learned/")
    context.update(
        {
            "heading": _("Lessons learned"),
            "lead": _(
                "Tacit knowledge from the community: lessons learned, stories and "
                "mentorship, lessons first."
            ),
        }
    )
    return render(request, "knowledge/resource_list.html", context)


@require_GET
def tag_index(request):
    return render(
        request,
        "knowledge/tag_index.html",
        {"tags": tag_list_with_counts(user=request.user)},
    )


@require_GET
def tag_detail(request, slug):
    tag = tag_get_visible(user=request.user, slug=slug)
    if tag is None:
        raise Http404
    context = library_context(request, tag=tag, base_path=f"/knowledge/tags/{slug}/")
    context.update(
        {
            "heading": _("Resources tagged “%(tag)s”") % {"tag": tag.name},
            "lead": "",
        }
    )
    return render(request, "knowledge/resource_list.html", context)


@login_required
def resource_submit_view(request):
    if not can_submit_resource(request.user):
        return render(request, "knowledge/resource_submit_join.html", status=403)
    form = ResourceSubmitForm(
        request.POST or None, request.FILES or None, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            resource = resource_submit(submitter=request.user, **form.submit_kwargs())
        except ValidationError as error:
            _apply_service_errors(form, error)
        except PermissionDenied:
            form.add_error("group", _("You can only share with groups you belong to."))
        else:
            messages.success(
                request,
                _(
                    "Thank you. “%(title)s” was sent to the moderators; you will get "
                    "an email when they have reviewed it."
                )
                % {"title": resource.title},
            )
            return redirect("knowledge:my_submissions")
    return render(
        request,
        "knowledge/resource_submit.html",
        {"form": form, "had_files": bool(request.FILES)},
        status=400 if request.method == "POST" else 200,
    )


def _apply_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
def submission_edit(request, page_id):
    """Change a submission the moderators sent back, and resubmit it."""
    resource = get_object_or_404(ResourcePage, pk=page_id, owner=request.user)
    state = resource.current_workflow_state
    if (
        resource.live
        or state is None
        or state.status != WorkflowState.STATUS_NEEDS_CHANGES
    ):
        messages.info(request, _("This submission is not waiting for your changes."))
        return redirect("knowledge:my_submissions")
    draft = resource.get_latest_revision_as_object()
    existing = list(draft.attachments.all())
    form = ResourceResubmitForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        resource=resource,
        initial=resource_initial(draft),
        existing_attachments=len(existing),
    )
    if request.method == "POST" and form.is_valid():
        try:
            resource_resubmit(
                submitter=request.user, resource=resource, **form.resubmit_kwargs()
            )
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(title)s” was sent back to the moderators.")
                % {"title": form.cleaned_data["title"]},
            )
            return redirect("knowledge:my_submissions")
    task_state = state.current_task_state
    return render(
        request,
        "knowledge/resource_submit.html",
        {
            "form": form,
            "resource": resource,
            "existing_attachments": existing,
            "moderator_comment": task_state.comment if task_state else "",
            "had_files": bool(request.FILES),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def my_submissions(request):
    submissions = list(resource_list_submitted_by(user=request.user))
    return render(
        request, "knowledge/my_submissions.html", {"submissions": submissions}
    )


def _may_see_queue(user) -> bool:
    return user.is_staff or bool(moderated_group_ids_for_user(user=user))


@login_required
@require_GET
def moderation_queue(request):
    if not _may_see_queue(request.user):
        raise PermissionDenied
    pending = [
        resource
        for resource in resource_list_pending_for_user(user=request.user)
        if can_moderate_resource(request.user, resource)
    ]
    items = []
    for resource in pending:
        draft = resource.get_latest_revision_as_object()
        items.append(
            {
                "resource": resource,
                "draft": draft,
                "submitted_by": person_name(resource.owner),
                "submitted_at": resource.latest_revision_created_at,
                "form": ModerationDecisionForm(prefix=f"r{resource.pk}"),
            }
        )
    return render(request, "knowledge/moderation_queue.html", {"items": items})


@login_required
@require_POST
def moderation_decide(request, page_id):
    resource = get_object_or_404(ResourcePage, pk=page_id)
    if not can_moderate_resource(request.user, resource):
        raise hidden()  # a draft in moderation exists for its moderators only
    form = ModerationDecisionForm(request.POST, prefix=f"r{resource.pk}")
    if not form.is_valid():
        draft = resource.get_latest_revision_as_object()
        return render(
            request,
            "knowledge/moderation_queue.html",
            {
                "items": [
                    {
                        "resource": resource,
                        "draft": draft,
                        "submitted_by": person_name(resource.owner),
                        "submitted_at": resource.latest_revision_created_at,
                        "form": form,
                    }
                ],
                "single": True,
            },
            status=400,
        )
    approve = form.cleaned_data["decision"] == "approve"
    try:
        resource_moderate(
            resource=resource,
            moderator=request.user,
            approve=approve,
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if approve:
            messages.success(
                request, _("“%(title)s” is published.") % {"title": resource.title}
            )
        else:
            messages.success(
                request,
                _("Changes requested for “%(title)s”; the submitter was told.")
                % {"title": resource.title},
            )
    return redirect("knowledge:moderation_queue")


@login_required
@require_POST
def resource_feature_toggle(request, slug):
    resource = resource_get_visible(user=request.user, slug=slug)
    if resource is None:
        raise Http404
    featured = request.POST.get("featured") == "1"
    try:
        resource = resource_feature(
            resource=resource, user=request.user, featured=featured
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        message = (
            _("“%(title)s” is now featured.")
            if featured
            else _("“%(title)s” is no longer featured.")
        )
        messages.success(request, message % {"title": resource.title})
    return redirect(resource.get_url(request=request))


def _citation_response(resources, fmt: str, filename: str, request) -> HttpResponse:
    content_type, render_citations = CITATION_FORMATS[fmt]
    base_url = settings.SITE_URL
    response = HttpResponse(
        render_citations(resources, base_url=base_url), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def resource_cite(request, slug, fmt):
    """cite.bib / cite.ris / cite.json (CSL-JSON) beside a resource: only for
    those who may see it."""
    resource = resource_get_visible(user=request.user, slug=slug)
    if resource is None:
        raise Http404
    return _citation_response([resource], fmt, resource.slug, request)


@require_GET
def library_cite(request, fmt):
    """The current filtered list of /knowledge/ as BibTeX, RIS or CSL-JSON."""
    from .forms import LibraryFilterForm

    query: LibraryQuery = LibraryFilterForm(request.GET).to_query()
    resources = resource_list_for_citation(
        user=request.user, query=query, limit=CITE_LIST_LIMIT
    )
    return _citation_response(resources, fmt, "knowledge-library", request)
