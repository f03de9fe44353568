from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.selectors import profile_get

from . import permissions, selectors, services
from .forms import (
    DirectoryEntryForm,
    DirectoryFilterForm,
    LessonDecisionForm,
    LessonProposalForm,
    MentoringAnswerForm,
    MentoringCloseForm,
    MentoringMessageForm,
    MentoringRequestForm,
)

PER_PAGE = 20


def _refuse(request):
    """Visitors are sent to sign in; signed-in people without the right get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _errors(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def directory(request):
    if not permissions.can_view_directory(request.user):
        return _refuse(request)
    options = selectors.directory_filter_options(viewer=request.user)
    form = DirectoryFilterForm(request.GET or None, options=options)
    filters = form.cleaned_data if form.is_valid() else {}
    profiles = selectors.directory_search(
        viewer=request.user,
        q=filters.get("q", ""),
        expertise=filters.get("expertise", ""),
        country=filters.get("country", ""),
        region=filters.get("region", ""),
        language=filters.get("language", ""),
        group=filters.get("group"),
    )
    page = Paginator(profiles, PER_PAGE).get_page(request.GET.get("page"))
    own = profile_get(user=request.user)
    return render(
        request,
        "people/directory.html",
        {
            "form": form,
            "active_filters": sum(1 for value in filters.values() if value),
            "page_obj": page,
            "profiles": page.object_list,
            "own_profile": own,
            "unread": selectors.notification_unread_count(user=request.user),
        },
    )


def directory_entry_edit(request):
    if not permissions.can_view_directory(request.user):
        return _refuse(request)
    profile = profile_get(user=request.user)
    form = DirectoryEntryForm(
        request.POST or None, initial=DirectoryEntryForm.initial_for(profile)
    )
    if request.method == "POST" and form.is_valid():
        services.directory_entry_update(user=request.user, **form.cleaned_data)
        if form.cleaned_data["listed"]:
            messages.success(request, _("Your directory entry is saved and listed."))
        else:
            messages.success(
                request, _("Your directory entry is saved; you are not listed.")
            )
        return redirect("people:directory_entry")
    return render(
        request, "people/directory_entry_form.html", {"form": form, "profile": profile}
    )


def expert_detail(request, pk):
    if not request.user.is_authenticated:
        # The directory is for members: a visitor learns nothing about who exists.
        return _refuse(request)
    person = selectors.expert_get(pk=pk)
    if person is None:
        raise Http404
    if not permissions.can_view_expert(request.user, person):
        if not request.user.is_authenticated:
            return _refuse(request)
        raise Http404  # unlisted members are not known to exist here
    profile = (
        selectors.directory_search(viewer=request.user).filter(user=person).first()
    ) or person.profile
    form = None
    can_ask = permissions.can_request_mentoring(request.user, person)
    has_capacity = selectors.expert_has_capacity(expert=person)
    if can_ask and has_capacity:
        form = MentoringRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                mentoring = services.mentoring_request_create(
                    requester=request.user, expert=person, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, _errors(error))
            else:
                messages.success(
                    request,
                    _("Your request was sent to %(name)s.") % {"name": profile.name},
                )
                return redirect(mentoring)
    elif request.method == "POST":
        raise PermissionDenied
    from working_groups.selectors import profile_groups

    return render(
        request,
        "people/expert_detail.html",
        {
            "person": person,
            "profile": profile,
            "form": form,
            "can_ask": can_ask,
            "has_capacity": has_capacity,
            "memberships": profile_groups(viewer=request.user, person=person),
            "is_self": person.pk == request.user.pk,
        },
    )


def mentoring_inbox(request):
    if not request.user.is_authenticated:
        return _refuse(request)
    context = selectors.mentoring_list_for(user=request.user)
    context["notifications"] = selectors.notification_list(user=request.user)
    context["can_view_counts"] = permissions.can_view_mentoring_counts(request.user)
    services.notifications_mark_read(user=request.user)
    return render(request, "people/mentoring_inbox.html", context)


def _mentoring_or_404(request, pk):
    """Participants only: to anyone else the exchange does not exist."""
    mentoring = selectors.mentoring_get(pk=pk)
    if mentoring is None or not permissions.can_view_mentoring(request.user, mentoring):
        raise Http404
    return mentoring


def mentoring_detail(request, pk):
    if not request.user.is_authenticated:
        return _refuse(request)
    mentoring = _mentoring_or_404(request, pk)
    user = request.user
    services.notifications_mark_read(user=user, request=mentoring)
    proposal = selectors.lesson_proposal_for(request=mentoring)
    context = {
        "mentoring": mentoring,
        "other": mentoring.other_participant(user),
        "is_expert": user.pk == mentoring.expert_id,
        "thread": mentoring.messages.select_related("author__profile"),
        "proposal": proposal,
        "answer_form": MentoringAnswerForm(request=mentoring)
        if permissions.can_answer_mentoring(user, mentoring)
        else None,
        "message_form": MentoringMessageForm()
        if permissions.can_write_in_mentoring(user, mentoring)
        else None,
        "close_form": MentoringCloseForm()
        if permissions.can_close_mentoring(user, mentoring)
        else None,
        "can_withdraw": permissions.can_withdraw_mentoring(user, mentoring),
        "can_propose": permissions.can_propose_lesson(user, mentoring)
        and bool(services.lesson_group_choices(user)),
        "decision_form": LessonDecisionForm()
        if proposal and permissions.can_decide_lesson(user, proposal)
        else None,
    }
    return render(request, "people/mentoring_detail.html", context)


def _post_view(handler):
    """POST-only, participants-only actions that redirect back to the thread."""

    @require_POST
    def view(request, pk):
        if not request.user.is_authenticated:
            return _refuse(request)
        mentoring = _mentoring_or_404(request, pk)
        try:
            handler(request, mentoring)
        except ValidationError as error:
            messages.error(request, _errors(error))
        return redirect(mentoring)

    view.__name__ = handler.__name__
    return view


@_post_view
def mentoring_answer(request, mentoring):
    form = MentoringAnswerForm(request.POST, request=mentoring)
    if not form.is_valid():
        raise ValidationError(
            [str(e) for errors in form.errors.values() for e in errors]
        )
    decision = form.cleaned_data["decision"]
    services.mentoring_request_answer(
        expert=request.user,
        request=mentoring,
        accept=decision == "accept",
        note=form.cleaned_data["note"],
        suggested_expert=form.cleaned_data["suggested_expert"]
        if decision == "suggest"
        else None,
    )
    if decision == "accept":
        messages.success(request, _("You accepted. Write your first message below."))
    else:
        messages.success(request, _("Your answer was sent."))


@_post_view
def mentoring_message(request, mentoring):
    form = MentoringMessageForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Write a message first."))
    services.mentoring_message_create(
        author=request.user, request=mentoring, body=form.cleaned_data["body"]
    )
    messages.success(request, _("Your message was sent."))


@_post_view
def mentoring_close(request, mentoring):
    form = MentoringCloseForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Say in a few words what came of it."))
    services.mentoring_request_close(
        user=request.user, request=mentoring, outcome=form.cleaned_data["outcome"]
    )
    messages.success(request, _("The exchange is closed."))


@_post_view
def mentoring_withdraw(request, mentoring):
    services.mentoring_request_withdraw(requester=request.user, request=mentoring)
    messages.success(request, _("Your request was withdrawn."))


def lesson_propose(request, pk):
    if not request.user.is_authenticated:
        return _refuse(request)
    mentoring = _mentoring_or_404(request, pk)
    if not permissions.can_propose_lesson(request.user, mentoring):
        raise PermissionDenied
    choices = services.lesson_group_choices(request.user)
    if not choices:
        raise PermissionDenied
    initial = {
        "title": mentoring.topic,
        "summary": mentoring.outcome,
        "context": mentoring.context,
        "result": mentoring.outcome,
        "group": choices[0],
    }
    form = LessonProposalForm(
        request.POST or None, initial=initial, group_choices=choices
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.lesson_propose(
                user=request.user,
                request=mentoring,
                group_id=data["group"],
                title=data["title"],
                summary=data["summary"],
                lesson={
                    key: data[key]
                    for key in ("context", "challenge", "action", "result", "learned")
                },
                named=data["named"],
            )
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(
                request,
                _("Your proposal was sent to %(name)s for consent.")
                % {"name": mentoring.other_participant(request.user).profile.name},
            )
            return redirect(mentoring)
    return render(
        request,
        "people/lesson_propose.html",
        {"mentoring": mentoring, "form": form},
    )


@_post_view
def lesson_decide(request, mentoring):
    proposal = selectors.lesson_proposal_for(request=mentoring)
    if proposal is None:
        raise Http404
    form = LessonDecisionForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Choose yes or no."))
    consent = form.cleaned_data["consent"] == "yes"
    services.lesson_decide(
        user=request.user,
        proposal=proposal,
        consent=consent,
        named=form.cleaned_data["named"],
    )
    if consent:
        messages.success(
            request, _("Thank you: the lesson learned was sent to the moderators.")
        )
    else:
        messages.success(request, _("The lesson stays between you."))


def mentoring_counts(request):
    if not permissions.can_view_mentoring_counts(request.user):
        return _refuse(request)
    return render(
        request,
        "people/mentoring_counts.html",
        {"counts": selectors.mentoring_counts()},
    )
